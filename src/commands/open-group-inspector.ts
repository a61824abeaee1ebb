/** Open the group inspector for a consumer group: the sidebar's group, an id given, or one picked. */
import { CommandArg, Services, brokerFor } from './services';
import { pickGroup } from './pick';
import type { WebviewPanels } from '../webviews';

export async function openGroupInspector(s: Services, panels: WebviewPanels, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'inspect a consumer group');
  if (!api) return;
  const groupId = await pickGroup(api, arg, 'Consumer group to inspect');
  if (groupId === undefined) return;
  panels.openGroup({ groupId });
}
