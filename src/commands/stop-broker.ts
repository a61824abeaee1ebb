/** Stop the broker cleanly: logs flushed, checkpoints written, ports freed. It stays stopped until started again. */
import type { Services } from './services';

export async function stopBroker(s: Services): Promise<void> {
  await s.lifecycle.stop();
}
