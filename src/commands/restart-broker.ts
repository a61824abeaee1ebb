/** Restart the broker, picking up changed settings (ports, nodes, data directory, topic defaults). */
import type { Services } from './services';
import { startBroker } from './start-broker';

export async function restartBroker(s: Services): Promise<void> {
  await s.lifecycle.stop();
  await startBroker(s);
}
