// Every export of a module under src/ has an importer somewhere (src, test, bench, webview or scripts). An export
// nobody imports is dead code, or a name that should stay private to its module: either way it widens what a change
// must keep working, so this fails when one appears. Entry points (what the bundles start from) and the generated
// messages (src/protocol/messages, regenerated whole from Kafka's schemas) are left out.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../../..');

/** Exports that nothing imports on purpose: the bundles' entry points, which esbuild and VS Code call. */
const ENTRY_POINTS = new Map<string, ReadonlySet<string> | 'all'>([
  ['src/extension.ts', new Set(['activate', 'deactivate'])],
  ['src/service/worker.ts', 'all'],
  ['src/cli/main.ts', 'all'],
]);
const GENERATED = /^src\/protocol\/messages\//;

function files(dir: string, exts: readonly string[]): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...files(rel, exts));
    } else if (exts.some((x) => e.name.endsWith(x)) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function parse(file: string): ts.SourceFile {
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false, kind);
}

/** The module a specifier names, relative to the root; undefined for a package. Compiled paths (out/) map back to their source. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  let base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '');
  if (base.startsWith('out/')) base = base.slice('out/'.length);
  return [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c)));
}

const hasExport = (n: ts.Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const hasDefault = (n: ts.Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** The names a module exports itself (re-exports of another module's names included). */
function exportedNames(sf: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s)) {
      if (s.exportClause && ts.isNamedExports(s.exportClause)) names.push(...s.exportClause.elements.map((e) => e.name.text));
    } else if (ts.isExportAssignment(s)) names.push('default');
    else if (hasExport(s)) {
      if (hasDefault(s)) names.push('default');
      else if (ts.isVariableStatement(s)) names.push(...s.declarationList.declarations.flatMap((d) => bindingNames(d.name)));
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s) || ts.isModuleDeclaration(s)) && s.name) {
        names.push(s.name.text);
      }
    }
  }
  return names;
}

/** What `file` takes from other modules: module → names, '*' for all of them (namespace imports, require, import()). */
function importedNames(file: string, sf: ts.SourceFile, into: Map<string, Set<string>>): void {
  const use = (specifier: ts.Expression | undefined, names: string[]): void => {
    if (!specifier || !ts.isStringLiteralLike(specifier)) return;
    const target = resolve(file, specifier.text);
    if (!target || target === file) return;
    let set = into.get(target);
    if (!set) into.set(target, (set = new Set()));
    for (const n of names) set.add(n);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const names: string[] = [];
      if (!c) names.push('*');
      else {
        if (c.name) names.push('default');
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.push('*');
        else if (c.namedBindings) names.push(...c.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text));
      }
      use(n.moduleSpecifier, names);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      use(n.moduleSpecifier, n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements.map((e) => (e.propertyName ?? e.name).text) : ['*']);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      use(n.moduleReference.expression, ['*']);
    } else if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      use(n.arguments[0], ['*']);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      use(n.argument.literal as ts.StringLiteral, ['*']);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/** Exports of src/ modules that no other module imports, as "file: name", and modules nothing imports at all. */
function unusedExports(): string[] {
  const modules = files('src', ['.ts']);
  const importers = [...modules, ...files('test', ['.ts']), ...files('bench', ['.ts']), ...files('webview/src', ['.ts']), ...files('scripts', ['.ts', '.mjs', '.js'])];
  const imported = new Map<string, Set<string>>();
  for (const f of importers) importedNames(f, parse(f), imported);
  const out: string[] = [];
  for (const m of modules) {
    if (GENERATED.test(m)) continue;
    const entry = ENTRY_POINTS.get(m);
    if (entry === 'all') continue;
    const used = imported.get(m);
    if (!used && !entry) {
      out.push(`${m}: (nothing imports the module)`);
      continue;
    }
    if (used?.has('*')) continue;
    for (const name of exportedNames(parse(m))) if (!used?.has(name) && !entry?.has(name)) out.push(`${m}: ${name}`);
  }
  return out;
}

describe('Architecture: unused exports', () => {
  it('reads exports and imports of every kind (the checker would find an unused one)', () => {
    const sf = ts.createSourceFile(
      'x.ts',
      `export const a = 1, { b } = o; export function f() {} export class C {} export interface I {} export type T = 1; export enum E {} export default 1; export { g as h };`,
      ts.ScriptTarget.Latest,
    );
    assert.deepEqual(exportedNames(sf), ['a', 'b', 'f', 'C', 'I', 'T', 'E', 'default', 'h']);
    const imported = new Map<string, Set<string>>();
    importedNames('test/unit/architecture/x.ts', ts.createSourceFile('y.ts', `import d, { a as b, type c } from '../../../src/broker/errors'; import * as ns from '../../../src/broker/logger';`, ts.ScriptTarget.Latest), imported);
    assert.deepEqual([...(imported.get('src/broker/errors.ts') ?? [])], ['default', 'a', 'c']);
    assert.deepEqual([...(imported.get('src/broker/logger.ts') ?? [])], ['*']);
  });

  it('every export of src/ is imported somewhere (else delete it, or drop `export` if its own module uses it)', () => {
    const found = unusedExports();
    assert.deepEqual(found, [], `${found.length} exports nobody imports:\n${found.map((f) => `  ${f}`).join('\n')}`);
  });
});
