// The layering of the code, checked on its imports (type-only imports included: they tie modules together as much
// for whoever changes them): no import cycles anywhere, and each layer imports only the layers below it.
//   codecs and generated messages (src/protocol/codec, src/protocol/messages)
//   broker (src/broker): storage, records, replication, coordinators; never the server, the service or VS Code
//   server (src/protocol/server): the Kafka listeners and one handler per API key, over the broker
//   service (src/service): the composition root that starts the broker and its server, in the worker or the CLI
//   extension (src/extension.ts, commands, views, webviews, editor, clusters) and the command line (src/cli)
//   webview (webview/src): the browser side, which shares only src/shared with the host
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Each module's imports: project files (relative to the root) and package names. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, false);
    const deps: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) {
        deps.push(fileName);
        continue;
      }
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName)).replace(/\.js$/, '');
      const resolved = [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c)));
      assert.ok(resolved, `${file} imports ${fileName}, which does not resolve to a .ts file`);
      deps.push(resolved);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** The strongly connected components of more than one module (Tarjan), each as one cycle through it. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const FILES = [...sourceFiles('src'), ...sourceFiles('webview/src')];
const GRAPH = importGraph(FILES);

/** Imports of modules under `from` that match `forbidden`, as "a -> b" lines. */
function violations(from: RegExp, forbidden: RegExp, except?: RegExp): string[] {
  const out: string[] = [];
  for (const [file, deps] of GRAPH) {
    if (!from.test(file)) continue;
    for (const d of deps) if (forbidden.test(d) && !except?.test(d)) out.push(`${file} -> ${d}`);
  }
  return out;
}

describe('Architecture: imports', () => {
  it('reads the imports it checks (the checker itself would catch a cycle and a layering breach)', () => {
    assert.ok(GRAPH.size > 300, `${GRAPH.size} modules`);
    assert.ok(GRAPH.get('src/broker/cluster.ts')?.includes('src/broker/replication/controller.ts'));
    assert.ok(GRAPH.get('src/extension.ts')?.includes('vscode'));
    const sample = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    assert.deepEqual(cycles(sample), [['a.ts', 'b.ts', 'c.ts']]);
  });

  it('has no import cycle, type-only imports included', () => {
    const found = cycles(GRAPH);
    assert.deepEqual(found, [], `import cycles:\n${found.map((c) => `  ${c.join(' <-> ')}`).join('\n')}`);
  });

  it('the broker imports neither the server, the service, the extension nor VS Code', () => {
    assert.deepEqual(violations(/^src\/broker\//, /^src\/(protocol\/server|service|cli|clusters|commands|views|webviews|editor)\/|^src\/extension\.ts$|^vscode$/), []);
  });

  it('the codecs and generated messages import nothing above them', () => {
    assert.deepEqual(violations(/^src\/protocol\/(codec|messages)\//, /^src\/(?!protocol\/(codec|messages)\/)/), []);
  });

  it('the server imports neither the service, the extension nor VS Code', () => {
    assert.deepEqual(violations(/^src\/protocol\/server\//, /^src\/(service|cli|clusters|commands|views|webviews|editor)\/|^src\/extension\.ts$|^vscode$/), []);
  });

  it('only the extension reaches VS Code; the worker and the command line run without it', () => {
    const reachable = (entry: string): Set<string> => {
      const seen = new Set<string>();
      const todo = [entry];
      while (todo.length) {
        const f = todo.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        todo.push(...(GRAPH.get(f) ?? []));
      }
      return seen;
    };
    for (const entry of ['src/service/worker.ts', 'src/cli/main.ts']) {
      const seen = reachable(entry);
      assert.ok(seen.size > 50, `${entry} reaches ${seen.size} modules`);
      assert.ok(!seen.has('vscode'), `${entry} reaches vscode`);
    }
    assert.deepEqual(violations(/^src\/service\//, /^src\/(commands|views|webviews|editor|clusters)\/|^src\/extension\.ts$/), []);
  });

  it('the webview shares only src/shared with the extension host', () => {
    assert.deepEqual(violations(/^webview\/src\//, /^src\//, /^src\/shared\//), []);
    assert.deepEqual(violations(/^webview\/src\//, /^(vscode|node:.*)$/), []);
  });
});
