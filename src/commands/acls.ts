/**
 * Add and remove ACLs from the tree (a cluster with an authorizer): Add ACL on a topic, a group, or an ACLs node asks
 * step by step for what kafka-acls.sh --add takes (pattern, principal, ALLOW or DENY, operations, host), with the
 * operations the resource type has; Remove ACL on an ACL node, after a modal that says who is affected.
 */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor, confirm, isTreeNode } from './services';
import { removeAclConfirmation } from './confirmations';
import { AclOperation, ResourceType, supportedOperations, type ResourceTypeCode } from '../broker/security/acl-operations';
import { CLUSTER_NAME, PatternType, PermissionType, invalidPrincipal, operationName, type AclBinding } from '../broker/security/acl-binding';

const TYPES: Array<{ label: string; code: ResourceTypeCode }> = [
  { label: 'Topic', code: ResourceType.TOPIC },
  { label: 'Consumer group', code: ResourceType.GROUP },
  { label: 'Transactional id', code: ResourceType.TRANSACTIONAL_ID },
  { label: 'Cluster', code: ResourceType.CLUSTER },
];

/** The resource a node stands for: a topic, a group, an ACLs node of one, or nothing (ask). */
function resourceOf(arg: CommandArg): { resourceType: ResourceTypeCode; name: string } | undefined {
  if (!isTreeNode(arg)) return undefined;
  const ref = arg.ref;
  if (ref.kind === 'topic') return { resourceType: ResourceType.TOPIC, name: ref.topic };
  if (ref.kind === 'group') return { resourceType: ResourceType.GROUP, name: ref.groupId };
  if (ref.kind === 'acls' && ref.resourceType !== undefined) return { resourceType: ref.resourceType as ResourceTypeCode, name: ref.resourceName ?? '' };
  return undefined;
}

/**
 * The bindings a filled-in form stands for: one per operation (kafka-acls.sh crosses operations with principals and
 * hosts the same way).
 */
function aclBindingsOf(form: { resourceType: number; resourceName: string; patternType: number; principal: string; host: string; permissionType: number; operations: number[] }): AclBinding[] {
  return form.operations.map((operation) => ({
    resourceType: form.resourceType,
    resourceName: form.resourceName,
    patternType: form.patternType,
    principal: form.principal.trim(),
    host: form.host.trim() || '*',
    operation,
    permissionType: form.permissionType,
  }));
}

export async function addAcl(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'add an ACL');
  if (!api) return;
  const title = 'Add ACL';
  let resource = resourceOf(arg);
  if (!resource) {
    const type = await vscode.window.showQuickPick(TYPES, { title, placeHolder: 'The kind of resource the ACL is about' });
    if (!type) return;
    if (type.code === ResourceType.CLUSTER) resource = { resourceType: type.code, name: CLUSTER_NAME };
    else {
      const name = await vscode.window.showInputBox({ title, prompt: `${type.label} name (a prefix is chosen next; * means every ${type.label.toLowerCase()})`, validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
      if (!name) return;
      resource = { resourceType: type.code, name: name.trim() };
    }
  }
  let patternType: number = PatternType.LITERAL;
  let resourceName = resource.name;
  if (resource.resourceType !== ResourceType.CLUSTER && resource.name !== '*') {
    const pattern = await vscode.window.showQuickPick(
      [
        { label: `'${resource.name}' only`, description: 'LITERAL', code: PatternType.LITERAL },
        { label: `Every name starting with…`, description: 'PREFIXED: asks for the prefix', code: PatternType.PREFIXED },
        { label: 'Every one (*)', description: 'LITERAL *', code: -1 },
      ],
      { title, placeHolder: 'Which names the ACL applies to' },
    );
    if (!pattern) return;
    if (pattern.code === -1) resourceName = '*';
    else if (pattern.code === PatternType.PREFIXED) {
      const prefix = await vscode.window.showInputBox({ title, prompt: 'The prefix', value: resource.name, validateInput: (v) => (v ? undefined : 'A prefix is needed') });
      if (!prefix) return;
      patternType = PatternType.PREFIXED;
      resourceName = prefix;
    }
  }
  const principal = await vscode.window.showInputBox({ title, prompt: 'Principal (User:alice; User:* for everyone)', value: 'User:', validateInput: (v) => invalidPrincipal(v.trim()) });
  if (!principal) return;
  const permission = await vscode.window.showQuickPick(
    [
      { label: 'Allow', code: PermissionType.ALLOW },
      { label: 'Deny', description: 'wins over every ALLOW', code: PermissionType.DENY },
    ],
    { title, placeHolder: 'Allow or deny' },
  );
  if (!permission) return;
  const ops = [AclOperation.ALL, ...supportedOperations(resource.resourceType)];
  const picked = await vscode.window.showQuickPick(
    ops.map((code) => ({ label: operationName(code), code, description: code === AclOperation.ALL ? 'every operation' : undefined })),
    { title, placeHolder: 'Operations (READ, WRITE, DELETE and ALTER imply DESCRIBE)', canPickMany: true },
  );
  if (!picked?.length) return;
  const host = await vscode.window.showInputBox({ title, prompt: 'Client host (IP address; * for any)', value: '*' });
  if (host === undefined) return;
  const bindings = aclBindingsOf({ resourceType: resource.resourceType, resourceName, patternType, principal, host, permissionType: permission.code, operations: picked.map((p) => p.code) });
  await api.createAcls(bindings);
  void vscode.window.showInformationMessage(`Added ${bindings.length === 1 ? 'an ACL' : `${bindings.length} ACLs`}: ${permission.label.toUpperCase()} ${principal.trim()} ${picked.map((p) => p.label).join(', ')} on ${resourceName}.`);
}

export async function removeAcl(s: Services, arg: CommandArg): Promise<void> {
  if (!isTreeNode(arg) || arg.ref.kind !== 'acl') {
    void vscode.window.showInformationMessage('Remove ACL works on an ACL in the Tributary view (under a topic, a group, or ACLs).');
    return;
  }
  const b = arg.ref.binding;
  const api = await brokerFor(s, 'remove an ACL');
  if (!api) return;
  if (!(await confirm(removeAclConfirmation(b)))) return;
  const removed = await api.deleteAcls([{ resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType }]);
  void vscode.window.showInformationMessage(removed.length ? 'Removed the ACL.' : 'The ACL was already gone.');
}
