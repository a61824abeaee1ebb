/** Start a stopped virtual node: it reloads its logs, catches up from the leaders and rejoins the ISR. */
import type { CommandArg, Services } from './services';
import { brokerFor } from './services';
import { pickNode } from './stop-node';

export async function startNode(s: Services, arg: CommandArg | number): Promise<void> {
  const api = await brokerFor(s, 'start a node');
  if (!api) return;
  const id = await pickNode(api, arg, false, 'Node to start');
  if (id === undefined) return;
  await api.startNode(id);
  s.output.info(`node ${id} started`);
  s.model.invalidateAll();
}
