/**
 * The extension's webview panels inside code-server. Each panel is two nested iframes (VS Code's webview host page,
 * then its `#active-frame` with the extension's HTML); the panel's Lit element (<tributary-consumer>, ...) lives in
 * the inner one, its controls in open shadow roots, which playwright's CSS locators pierce. Panels that do not keep
 * their context while hidden get a new frame each time they show again, so a panel's frame is looked up afresh
 * whenever it is needed.
 */
import type { Frame, Page } from 'playwright-core';
import { eventually } from './workbench';

export type PanelKind = 'producer' | 'consumer' | 'group' | 'segment' | 'cluster' | 'topicConfig';

export const PANEL_TAG: Record<PanelKind, string> = {
  producer: 'tributary-producer',
  consumer: 'tributary-consumer',
  group: 'tributary-group-inspector',
  segment: 'tributary-segment-inspector',
  cluster: 'tributary-cluster-view',
  topicConfig: 'tributary-topic-configs',
};

async function holds(frame: Frame, tag: string): Promise<boolean> {
  if (frame.isDetached()) return false;
  return frame
    .evaluate((t) => {
      const el = document.querySelector(t);
      // Rendered: Lit has attached the shadow root, and the frame is showing (a hidden webview has no size).
      return !!el && !!el.shadowRoot && window.innerWidth > 0 && window.innerHeight > 0;
    }, tag)
    .catch(() => false);
}

/** The frame of the panel of this kind (the only one open, or the one whose title is `title`), once it has rendered. */
export async function panelFrame(page: Page, kind: PanelKind, timeoutMs = 30_000): Promise<Frame> {
  const tag = PANEL_TAG[kind];
  return eventually(
    `the ${kind} panel's webview`,
    async () => {
      for (const f of page.frames()) if (f !== page.mainFrame() && (await holds(f, tag))) return f;
      return undefined;
    },
    timeoutMs,
  );
}

/** Types into a toolkit text field or text area (the native control in its shadow root). */
export async function fillText(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.locator(`${selector} input, ${selector} textarea`).first().fill(value);
}

/** Picks an option of a toolkit dropdown as a user does: open it, click the option. */
export async function choose(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.locator(selector).click();
  await frame.locator(`${selector} vscode-option[value="${value}"]`).click();
}

/** The editor tab of a panel, by its title. */
export function panelTab(page: Page, title: string | RegExp) {
  return page.locator('.tabs-container .tab', { has: page.locator('.label-name', { hasText: title }) });
}
