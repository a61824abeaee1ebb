/**
 * Styles every panel shares. Colours come only from VS Code's theme variables (--vscode-*), so the panels follow
 * light, dark and high-contrast themes; in high contrast, --vscode-contrastBorder / --vscode-contrastActiveBorder
 * give the outlines that backgrounds alone would not.
 */
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    font-weight: var(--vscode-font-weight);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h1,
  h2,
  h3 {
    font-weight: 600;
    margin: 0;
  }
  h1 {
    font-size: 1.3em;
  }
  h2 {
    font-size: 1.1em;
    margin: 14px 0 6px;
  }
  h3 {
    font-size: 1em;
    margin: 10px 0 4px;
  }
  .mono,
  code,
  pre {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
  }
  pre {
    margin: 0;
    white-space: pre-wrap;
    word-break: break-all;
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .error {
    color: var(--vscode-errorForeground);
  }
  .error-box {
    color: var(--vscode-errorForeground);
    background: var(--vscode-inputValidation-errorBackground);
    border: 1px solid var(--vscode-inputValidation-errorBorder);
    padding: 6px 8px;
    margin: 6px 0;
  }
  .warning-box {
    background: var(--vscode-inputValidation-warningBackground);
    border: 1px solid var(--vscode-inputValidation-warningBorder);
    color: var(--vscode-foreground);
    padding: 6px 8px;
    margin: 6px 0;
  }
  .info-box {
    background: var(--vscode-inputValidation-infoBackground);
    border: 1px solid var(--vscode-inputValidation-infoBorder);
    padding: 6px 8px;
    margin: 6px 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 6px 10px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .field > label,
  .label {
    font-size: 0.9em;
    color: var(--vscode-descriptionForeground);
  }
  .badge {
    display: inline-block;
    padding: 1px 6px;
    border-radius: 9px;
    font-size: 0.85em;
    line-height: 1.4;
    background: var(--vscode-badge-background);
    color: var(--vscode-badge-foreground);
    border: 1px solid var(--vscode-contrastBorder, transparent);
    white-space: nowrap;
  }
  .badge.error {
    background: var(--vscode-inputValidation-errorBackground);
    color: var(--vscode-errorForeground);
    border-color: var(--vscode-inputValidation-errorBorder);
  }
  .badge.warning {
    background: var(--vscode-inputValidation-warningBackground);
    color: var(--vscode-foreground);
    border-color: var(--vscode-inputValidation-warningBorder);
  }
  .badge.ok {
    background: transparent;
    color: var(--vscode-testing-iconPassed);
    border-color: var(--vscode-testing-iconPassed);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 3px 8px;
    border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
    white-space: nowrap;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  input.plain,
  select.plain {
    background: var(--vscode-input-background);
    color: var(--vscode-input-foreground);
    border: 1px solid var(--vscode-input-border, var(--vscode-dropdown-border, transparent));
    padding: 3px 5px;
    font-family: inherit;
    font-size: inherit;
  }
  input.plain:focus,
  select.plain:focus,
  textarea:focus,
  [tabindex]:focus-visible,
  button.link:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
    font: inherit;
  }
  button.link:hover {
    color: var(--vscode-textLink-activeForeground);
    text-decoration: underline;
  }
  .section {
    border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
    padding: 8px 10px;
    margin: 8px 0;
  }
  .kv {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 2px 12px;
  }
  .kv > dt {
    color: var(--vscode-descriptionForeground);
  }
  .kv > dd {
    margin: 0;
    word-break: break-all;
  }
  .json-key {
    color: var(--vscode-debugTokenExpression-name);
  }
  .json-string {
    color: var(--vscode-debugTokenExpression-string);
  }
  .json-number {
    color: var(--vscode-debugTokenExpression-number);
  }
  .json-boolean,
  .json-null {
    color: var(--vscode-debugTokenExpression-boolean);
  }
  .hex {
    display: grid;
    grid-template-columns: max-content max-content max-content;
    gap: 0 16px;
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
    white-space: pre;
  }
  .hex .off {
    color: var(--vscode-editorLineNumber-foreground);
  }
  .hex .ascii {
    color: var(--vscode-descriptionForeground);
  }
`;

/**
 * Colours for members, nodes and other categories: VS Code's chart colours, which every theme defines.
 * Used as fills with the foreground text of --vscode-editor-background for contrast.
 */
export const CATEGORY_COLOURS = [
  '--vscode-charts-blue',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-orange',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
];

export function categoryColour(i: number): string {
  return `var(${CATEGORY_COLOURS[((i % CATEGORY_COLOURS.length) + CATEGORY_COLOURS.length) % CATEGORY_COLOURS.length]})`;
}
