// `npm run typecheck` (and scripts/test.mjs): the TypeScript projects, each with its own libraries.
//   tsconfig.json          the extension host and the tests (ES2022 + DOM: the tests load webview modules); npm test
//                          compiles it to out/, here it is only checked
//   tsconfig.broker.json   the broker, the wire protocol and the command line: ES2022 and Node's types, no DOM
//   webview/tsconfig.json  the webview: ES2022 + DOM, no Node types
// src/shared/webview-protocol.ts still imports types from the broker (issue 15 point 2 moves them below it), so the
// webview's program holds broker files that need Node's types: their errors are the broker project's to report, and
// the webview check reports those of webview/src and src/shared only.
// Usage: node scripts/typecheck.mjs [broker] [webview] [root]   (default: all three)
import ts from 'typescript';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECTS = {
  root: { config: 'tsconfig.json', reports: () => true },
  broker: { config: 'tsconfig.broker.json', reports: () => true },
  webview: { config: 'webview/tsconfig.json', reports: (f) => /\/(webview\/src|src\/shared)\//.test(f) },
};

const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
const wanted = process.argv.slice(2);
let errors = 0;
for (const [name, p] of Object.entries(PROJECTS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const started = Date.now();
  const configPath = path.join(ROOT, p.config);
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(ts.formatDiagnostic(d, host)) });
  if (!parsed) process.exit(1);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => !d.file || p.reports(d.file.fileName));
  if (diagnostics.length) console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  errors += diagnostics.length;
  console.log(`typecheck ${p.config}: ${diagnostics.length} error(s), ${program.getSourceFiles().filter((f) => !f.isDeclarationFile).length} files, ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(errors ? 1 : 0);
