// ESLint flat config (kept under scripts/ so the repository's top level stays as the design card lists it).
// TypeScript files are linted with type information (typescript-eslint's project service: each file with the nearest
// tsconfig.json, the root one or webview/tsconfig.json) for the promise rules, which need the types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const ro = (names) => Object.fromEntries(names.map((n) => [n, 'readonly']));
const SHARED_GLOBALS = ro(['console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL', 'TextDecoder', 'TextEncoder', 'performance', 'queueMicrotask', 'structuredClone']);
const NODE_GLOBALS = { ...ro(['process', 'Buffer', 'setImmediate', '__dirname', 'require']), module: 'writable' };
/** What webview code may use besides the shared ones: the browser's, and VS Code's acquireVsCodeApi. */
const BROWSER_GLOBALS = ro(['window', 'self', 'document', 'navigator', 'history', 'location', 'customElements', 'requestAnimationFrame', 'cancelAnimationFrame', 'getComputedStyle', 'matchMedia', 'atob', 'btoa', 'ResizeObserver', 'MutationObserver', 'IntersectionObserver', 'Event', 'CustomEvent', 'KeyboardEvent', 'MouseEvent', 'FocusEvent', 'InputEvent', 'Node', 'Element', 'HTMLElement', 'HTMLInputElement', 'HTMLTextAreaElement', 'HTMLSelectElement', 'acquireVsCodeApi']);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'src/protocol/messages/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...SHARED_GLOBALS, ...NODE_GLOBALS } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The webview runs in the browser: its globals, not Node's.
  { files: ['webview/**'], languageOptions: { globals: { ...SHARED_GLOBALS, ...BROWSER_GLOBALS } } },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
    rules: {
      // A promise nobody awaits or catches loses its rejection; `void p` marks one left to run on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a callback's result is ignored (an event listener, forEach, a void-returning type).
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
