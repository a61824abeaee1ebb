/** Open the cluster view: leaders, replicas and ISR per partition and node, node and fault controls. */
import { Services, brokerFor } from './services';
import type { WebviewPanels } from '../webviews';

export async function openClusterView(s: Services, panels: WebviewPanels): Promise<void> {
  if (!(await brokerFor(s, 'show the cluster'))) return;
  panels.openCluster();
}
