// Mocha reporter: the spec reporter, then the one closing line CI reads: "N passed, N failed".
// With CI set (or TRIBUTARY_NO_SKIP), a skipped test counts as failed: in CI every real-client test must run.
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class TributaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const strict = !!(process.env.CI || process.env.TRIBUTARY_NO_SKIP);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      let failed = s.failures;
      if (strict && skipped.length) {
        for (const t of skipped) console.log(`  skipped in CI counts as failed: ${t}`);
        failed += skipped.length;
        process.exitCode = 1;
      }
      const tail = !strict && skipped.length ? `, ${skipped.length} skipped` : '';
      // Written after mocha's own epilogue so that it is the last line.
      process.on('exit', () => process.stdout.write(`${s.passes} passed, ${failed} failed${tail}\n`));
      // For scripts/test.mjs, which adds the conformance gate's counts to these.
      if (process.env.TRIBUTARY_COUNTS_FILE) require('node:fs').writeFileSync(process.env.TRIBUTARY_COUNTS_FILE, JSON.stringify({ passed: s.passes, failed }));
    });
  }
}
module.exports = TributaryReporter;
