// The extension uses @platformatic/kafka through its public interface only (issue 15, point 3): no import of the
// library's symbol exports (kGetApi, kGetConnection...: keys to its clients' internals, which any release may change),
// no import of its files past the package's entry point (its `symbols` module among them), no namespace import that
// would reach them unnamed. Every source file under src/ is read with TypeScript's own parser.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as kafka from '@platformatic/kafka';

const LIBRARY = '@platformatic/kafka';
const ROOT = path.resolve(__dirname, '../../../..');

/** The library's exports that are symbols, and anything named as they are (kSomething), exported yet or not. */
const symbolExports = new Set(Object.entries(kafka).flatMap(([name, value]) => (typeof value === 'symbol' ? [name] : [])));
const isSymbolName = (name: string) => symbolExports.has(name) || /^k[A-Z]/.test(name);

/** What a source file takes from the library that is not its public interface, one line each. */
function privateUses(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const where = (node: ts.Node) => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const fromLibrary = (specifier: ts.Expression | undefined, node: ts.Node): boolean => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return false;
    const m = specifier.text;
    if (m !== LIBRARY && !m.startsWith(`${LIBRARY}/`)) return false;
    if (m !== LIBRARY) found.push(`${where(node)} imports ${m}, past the package's entry point`);
    return true;
  };
  const names = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>, node: ts.Node) => {
    for (const e of elements) {
      const imported = (e.propertyName ?? e.name).text;
      if (isSymbolName(imported)) found.push(`${where(node)} imports ${imported}, a symbol export (the library's internals)`);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && fromLibrary(node.moduleSpecifier, node)) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) found.push(`${where(node)} imports the whole library as ${bindings.name.text}: name what is used`);
      else if (bindings) names(bindings.elements, node);
    } else if (ts.isExportDeclaration(node) && fromLibrary(node.moduleSpecifier, node)) {
      if (!node.exportClause || ts.isNamespaceExport(node.exportClause)) found.push(`${where(node)} re-exports the whole library: name what is used`);
      else names(node.exportClause.elements, node);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      if (fromLibrary(node.arguments[0], node)) found.push(`${where(node)} loads the library dynamically: import what is used by name`);
    } else if (ts.isStringLiteralLike(node) && node.text.startsWith('plt.kafka.')) {
      found.push(`${where(node)} names the library's internal symbol ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('@platformatic/kafka through its public interface only', () => {
  it('the check knows the library: it has symbol exports, kGetApi and kGetConnection among them', () => {
    assert.ok(symbolExports.has('kGetApi') && symbolExports.has('kGetConnection'), [...symbolExports].join(', '));
  });

  it('the check finds each way in: a symbol export, a deep import, a namespace, a dynamic load, a symbol by name', () => {
    const sample = [
      "import { Admin, kGetApi } from '@platformatic/kafka';",
      "import { kInstance } from '@platformatic/kafka/dist/symbols.js';",
      "import * as k from '@platformatic/kafka';",
      "export { kGetConnection as get } from '@platformatic/kafka';",
      "const lib = require('@platformatic/kafka');",
      "const s = Symbol.for('plt.kafka.base.apis');",
      "import { Consumer, metadataV12, type Broker } from '@platformatic/kafka';",
    ].join('\n');
    assert.deepEqual(
      privateUses('sample.ts', sample).map((f) => f.replace(/ .*/, '')),
      ['sample.ts:1', 'sample.ts:2', 'sample.ts:2', 'sample.ts:3', 'sample.ts:4', 'sample.ts:5', 'sample.ts:6'],
    );
  });

  it('src/ takes nothing else from the library', () => {
    const files = sourceFiles(path.join(ROOT, 'src'));
    assert.ok(files.some((f) => f.endsWith(path.join('clusters', 'external-cluster.ts'))), `src/ is found from ${ROOT}`);
    // Only a file that names the library (or its symbols' descriptions) can take from it: the others are not parsed.
    const found = files.flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8');
      return text.includes(LIBRARY) || text.includes('plt.kafka.') ? privateUses(path.relative(ROOT, f), text) : [];
    });
    assert.deepEqual(found, []);
  });
});
