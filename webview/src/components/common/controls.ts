/**
 * The standard controls come from @vscode/webview-ui-toolkit (buttons, text fields, text areas, dropdowns,
 * checkboxes); everything domain-specific is our own Lit elements. Registered once per document.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());
}

/** The value of a toolkit control (or native input) an event came from. */
export function valueOf(e: Event): string {
  return (e.target as HTMLInputElement).value;
}

export function checkedOf(e: Event): boolean {
  return (e.target as HTMLInputElement).checked;
}
