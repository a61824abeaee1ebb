// The README's test command: compiles everything, runs every mocha suite (unit, compat with real clients, webview
// in Chromium, end-to-end in code-server), then the conformance gate (librdkafka's own test suite against the broker,
// scripts/librdkafka/gate.mjs, with the classic and then the consumer group protocol), and prints "N passed, N failed"
// for all of it last.
// Usage: npm test [-- <glob or file>...]   e.g. npm test -- out/test/unit/storage/*.test.js   (mocha only)
//        TRIBUTARY_GATE=0 npm test          all mocha suites, no gate (it needs ../shared/librdkafka and ~20 min)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`0 passed, 1 failed`);
    process.exit(r.status ?? 1);
  }
}
run('node', ['scripts/build.mjs']);
run('npx', ['tsc', '-p', 'tsconfig.json']);
// The broker (no DOM) and the webview (no Node types) with their own libraries; tsc above checked the rest.
run('node', ['scripts/typecheck.mjs', 'broker', 'webview']);
const specs = process.argv.slice(2);
// librdkafka's suite, built once (cached): its librdkafka 2.15 also serves the compat tests of the consumer group
// protocol (KIP-848), which Debian's librdkafka 2.0 does not speak. Without ../shared they skip (fail under CI).
if (!specs.length) spawnSync('node', ['scripts/librdkafka/gate.mjs', '--build-only'], { stdio: 'inherit' });
const args = ['mocha', '--reporter', './test/support/reporter.js', '--timeout', '60000', '--exit'];
if (specs.length) args.push(...specs);
else args.push('--recursive', ...['out/test/unit', 'out/test/compat', 'out/test/integration', 'out/test/webview', 'out/test/e2e'].filter((d) => existsSync(d)));
const countsFile = join(tmpdir(), `tributary-mocha-counts-${process.pid}.json`);
const mocha = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TRIBUTARY_COUNTS_FILE: countsFile } });
if (specs.length || process.env.TRIBUTARY_GATE === '0') process.exit(mocha.status ?? 1);

// The whole run: the gate too, and one closing line for both.
let counts = { passed: 0, failed: 1 };
try {
  counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  rmSync(countsFile, { force: true });
} catch {
  console.log('mocha left no counts: taken as one failure');
}
// The gate twice: the classic group protocol (every broker test), then the consumer group protocol (KIP-848,
// TEST_CONSUMER_GROUP_PROTOCOL=consumer) for the tests whose consumers join a group.
const strict = !!(process.env.CI || process.env.TRIBUTARY_NO_SKIP);
let gatePassed = 0;
let gateFailed = 0;
let gateBad = false;
for (const protocol of ['classic', 'consumer']) {
  console.log(`\n== conformance gate: librdkafka's test suite, ${protocol} group protocol (scripts/librdkafka/gate.mjs --group-protocol ${protocol}) ==`);
  const gate = spawnSync('node', ['scripts/librdkafka/gate.mjs', '--group-protocol', protocol], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
  process.stdout.write(gate.stdout ?? '');
  const last = /(\d+) passed, (\d+) failed\s*$/.exec(gate.stdout ?? '');
  // Without librdkafka's snapshot (a clone with no ../shared) the gate is skipped on a laptop, a failure under CI; a
  // gate that could not run otherwise (no build) is one failure.
  const unavailable = gate.status === 77;
  if (unavailable) console.log(strict ? 'the conformance gate could not run: counted as a failure under CI' : "the conformance gate is skipped: librdkafka's snapshot is not beside this clone (../shared)");
  gatePassed += last ? Number(last[1]) : 0;
  const failedHere = last ? Number(last[2]) : unavailable && !strict ? 0 : 1;
  gateFailed += failedHere;
  if (gate.status !== 0 && !(unavailable && !strict)) gateBad = true;
  if (unavailable) break;
}
const passed = counts.passed + gatePassed;
const failed = counts.failed + gateFailed;
console.log(`\nmocha: ${counts.passed} passed, ${counts.failed} failed; gate (both protocols): ${gatePassed} passed, ${gateFailed} failed${gateBad && gateFailed === 0 ? ' (a gate exited non-zero)' : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || mocha.status !== 0 || gateBad ? 1 : 0);
