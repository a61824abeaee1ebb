/** Open the producer panel for a topic (the sidebar's topic, a name given, or one picked). */
import { CommandArg, Services, brokerFor } from './services';
import { pickTopic } from './pick';
import type { WebviewPanels } from '../webviews';

export async function openProducer(s: Services, panels: WebviewPanels, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'produce records');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic to produce to');
  if (topic === undefined) return;
  panels.openProducer({ topic });
}
