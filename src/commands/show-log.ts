/** Show the broker's log (the "Tributary" output channel). */
import type { Services } from './services';

export async function showLog(s: Services): Promise<void> {
  s.output.show(true);
}
