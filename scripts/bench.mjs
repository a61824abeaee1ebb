// Runs the benchmarks: `npm run bench` (all) or `npm run bench -- storage`. They print figures; nothing is timed in tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const which = process.argv.slice(2);
// The bundles first: the webview and extension benchmarks load dist/, not out/.
const b = spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const c = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (c.status !== 0) process.exit(c.status ?? 1);
const all = readdirSync('bench').filter((f) => f.endsWith('-bench.ts')).map((f) => f.replace(/-bench\.ts$/, ''));
for (const name of which.length ? which : all) {
  console.log(`\n== ${name} ==`);
  const r = spawnSync('node', ['--expose-gc', `out/bench/${name}-bench.js`], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
