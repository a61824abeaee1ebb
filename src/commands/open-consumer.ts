/** Open the consumer panel (a live tail) for a topic: the sidebar's topic, a name given, or one picked. */
import { CommandArg, Services, brokerFor } from './services';
import { pickTopic } from './pick';
import type { WebviewPanels } from '../webviews';

export async function openConsumer(s: Services, panels: WebviewPanels, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'consume records');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic to consume', { includeInternal: true });
  if (topic === undefined) return;
  panels.openConsumer({ topic });
}
