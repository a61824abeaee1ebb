/**
 * The broker worker's bundle (dist/worker.js) holds the codecs of the APIs its server has handlers for and no
 * others: scripts/build.mjs writes esbuild's metafile beside it (dist/worker.meta.json, every module in the bundle),
 * and the server takes its codecs from SERVED_CODECS (src/protocol/server/handlers/index.ts), never from the
 * table of every API in src/protocol/messages/index.ts. npm test builds before it runs this.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_CODECS, type ApiCodec } from '../../../src/protocol/messages';
import { ALL_HANDLERS, SERVED_CODECS } from '../../../src/protocol/server/handlers';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const META = path.join(ROOT, 'dist', 'worker.meta.json');
const MESSAGES = 'src/protocol/messages/';
const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The api key of a generated API module (`produce-request.ts`, `produce-response.ts`, `produce-api.ts`), by file name. */
const API_OF_FILE = new Map<string, ApiCodec>();
for (const c of Object.values(API_CODECS) as ApiCodec[]) {
  for (const kind of ['request', 'response', 'api']) API_OF_FILE.set(`${MESSAGES}${kebab(c.name)}-${kind}.ts`, c);
}

function bundledModules(): string[] {
  assert.ok(fs.existsSync(META), `${META} is missing: run node scripts/build.mjs (npm test does)`);
  const meta = JSON.parse(fs.readFileSync(META, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const out = meta.outputs['dist/worker.js'];
  assert.ok(out, 'the metafile describes dist/worker.js');
  return Object.keys(out.inputs);
}

describe('worker bundle: only the codecs of the APIs the broker serves', () => {
  const served = new Set(ALL_HANDLERS.map((h) => h.apiKey as number));

  it('the server codec table and the handlers name the same APIs, with the generated codecs', () => {
    assert.deepEqual([...SERVED_CODECS.keys()].sort((a, b) => a - b), [...served].sort((a, b) => a - b));
    for (const [key, codec] of SERVED_CODECS) assert.equal(codec, (API_CODECS as Record<number, ApiCodec>)[key], `api key ${key}`);
  });

  it('dist/worker.js holds no request, response or codec module of an API without a handler, nor the table of every API', () => {
    const modules = bundledModules().filter((f) => f.startsWith(MESSAGES));
    assert.ok(!modules.includes(`${MESSAGES}index.ts`), 'src/protocol/messages/index.ts (every API) is in the worker bundle');
    const unserved = modules.filter((f) => API_OF_FILE.has(f) && !served.has(API_OF_FILE.get(f)!.apiKey));
    assert.deepEqual(unserved, [], 'modules of APIs the server does not serve');
    // And every served API's codec is there (the check above cannot pass by finding nothing).
    for (const key of served) {
      const name = kebab(SERVED_CODECS.get(key)!.name);
      for (const kind of ['request', 'response', 'api']) assert.ok(modules.includes(`${MESSAGES}${name}-${kind}.ts`), `${name}-${kind}.ts`);
    }
  });
});
