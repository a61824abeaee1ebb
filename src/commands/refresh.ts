/** Re-read everything the sidebar shows (it also refreshes by itself on broker events and file changes). */
import type { Services } from './services';

export async function refresh(s: Services): Promise<void> {
  s.model.invalidateAll();
}
