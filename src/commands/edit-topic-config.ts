/**
 * Edit a topic's configs: opens the topic config table (one panel per topic) for the sidebar's topic, a name given,
 * or one picked. Every config shows there with its value, default and source; the cluster validates the changed rows
 * with Kafka's rules and messages (src/webviews/topic-config-router.ts).
 */
import { CommandArg, Services, brokerFor } from './services';
import { pickTopic } from './pick';
import type { WebviewPanels } from '../webviews';

export async function editTopicConfig(s: Services, panels: WebviewPanels, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'edit topic configs');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic whose configs to edit', { includeInternal: true });
  if (topic === undefined) return;
  panels.openTopicConfig({ topic });
}
