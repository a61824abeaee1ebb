// The README's test command: compiles everything, then runs every mocha suite (unit, compat with real clients,
// webview in Chromium, end-to-end in code-server) and prints "N passed, N failed" last.
// Usage: npm test [-- <glob or file>...]   e.g. npm test -- out/test/unit/storage/*.test.js
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`0 passed, 1 failed`);
    process.exit(r.status ?? 1);
  }
}
run('node', ['scripts/build.mjs']);
run('npx', ['tsc', '-p', 'tsconfig.json']);
const specs = process.argv.slice(2);
const args = ['mocha', '--reporter', './test/support/reporter.js', '--timeout', '60000', '--exit'];
if (specs.length) args.push(...specs);
else args.push('--recursive', ...['out/test/unit', 'out/test/compat', 'out/test/integration', 'out/test/webview', 'out/test/e2e'].filter((d) => existsSync(d)));
const r = spawnSync('npx', args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
