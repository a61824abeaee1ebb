/** The sidebar tree for VS Code: ClusterTreeModel's plain nodes as TreeItems, refreshed when the model says so. */
import * as vscode from 'vscode';
import type { ClusterTreeModel } from './cluster-tree-model';
import type { TreeNode } from './tree-nodes';

const COLLAPSIBLE: Record<TreeNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly unsubscribe: () => void;

  constructor(private readonly model: ClusterTreeModel) {
    this.unsubscribe = model.onDidChange((node) => this.emitter.fire(node));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, COLLAPSIBLE[node.collapsible]);
    item.id = node.id;
    item.description = node.description;
    // A plain string: VS Code shows it as text, so names and messages are never read as markup.
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.command) item.command = { command: node.command, title: 'Open', arguments: [node] };
    return item;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return this.model.children(node);
  }

  dispose(): void {
    this.unsubscribe();
    this.emitter.dispose();
  }
}
