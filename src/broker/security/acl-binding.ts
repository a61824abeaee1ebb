/**
 * Kafka's ACL bindings and binding filters (org.apache.kafka.common.acl): what CreateAcls stores, what DescribeAcls
 * and DeleteAcls select with, and the validation Kafka's controller applies before it writes an ACL record.
 */
import { AclOperation, ResourceType } from './acl-operations';

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The literal resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** The only name the CLUSTER resource has. */
export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** Null strings match anything; ANY codes match anything; pattern type MATCH selects the ACLs that apply to a name. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** Kafka's ResourcePatternFilter.matches and AccessControlEntryFilter.matches together. */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false;
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.ANY || f.patternType === b.patternType) {
      if (f.resourceName !== b.resourceName) return false;
    } else if (b.patternType === PatternType.LITERAL) {
      if (f.resourceName !== b.resourceName && b.resourceName !== WILDCARD_RESOURCE) return false;
    } else if (b.patternType === PatternType.PREFIXED) {
      if (!f.resourceName.startsWith(b.resourceName)) return false;
    } else return false;
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permissionType !== PermissionType.ANY && f.permissionType !== b.permissionType) return false;
  return true;
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

const known = (codes: Record<string, number>, v: number) => Object.values(codes).includes(v);

/** Why Kafka would refuse to create `b` (INVALID_REQUEST), or undefined. The broker's checks, then the controller's. */
export function invalidNewAcl(b: AclBinding): string | undefined {
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (b.resourceName === '') return 'Invalid empty resource name';
  if (!known(ResourceType, b.resourceType) || b.resourceType === ResourceType.UNKNOWN || b.resourceType === ResourceType.ANY) return `Invalid resourceType ${resourceTypeName(b.resourceType)}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(b.patternType)}`;
  if (!known(AclOperation, b.operation) || b.operation === AclOperation.UNKNOWN || b.operation === AclOperation.ANY) return `Invalid operation ${operationName(b.operation)}`;
  if (b.permissionType !== PermissionType.ALLOW && b.permissionType !== PermissionType.DENY) return `Invalid permissionType ${permissionTypeName(b.permissionType)}`;
  const p = invalidPrincipal(b.principal);
  if (p) return p;
  return undefined;
}

/** Kafka's SecurityUtils.parseKafkaPrincipal: `Type:name`, both parts present. */
export function invalidPrincipal(principal: string): string | undefined {
  const i = principal.indexOf(':');
  if (i <= 0 || i === principal.length - 1) return `Invalid principal ${JSON.stringify(principal)}: expected a string in format principalType:principalName`;
  return undefined;
}

/** Why a DescribeAcls/DeleteAcls filter is unusable (Kafka refuses UNKNOWN elements), or undefined. */
export function invalidFilter(f: AclBindingFilter): string | undefined {
  if (!known(ResourceType, f.resourceType) || f.resourceType === ResourceType.UNKNOWN) return 'Unknown patternFilter.';
  if (!known(PatternType, f.patternType) || f.patternType === PatternType.UNKNOWN) return 'Unknown patternFilter.';
  if (!known(AclOperation, f.operation) || f.operation === AclOperation.UNKNOWN) return 'Unknown entryFilter.';
  if (!known(PermissionType, f.permissionType) || f.permissionType === PermissionType.UNKNOWN) return 'Unknown entryFilter.';
  return undefined;
}

function nameOf(codes: Record<string, number>, v: number): string {
  return Object.entries(codes).find(([, c]) => c === v)?.[0] ?? `UNKNOWN(${v})`;
}
export const resourceTypeName = (v: number): string => nameOf(ResourceType, v);
export const patternTypeName = (v: number): string => nameOf(PatternType, v);
export const operationName = (v: number): string => nameOf(AclOperation, v);
export const permissionTypeName = (v: number): string => nameOf(PermissionType, v);

/** Reverse lookups for the command line and the UI, which take Kafka's names in any case (`read`, `Prefixed`). */
function codeOf(codes: Record<string, number>, what: string, name: string): number {
  const key = name.trim().toUpperCase().replace(/[- ]/g, '_');
  const v = (codes as Record<string, number | undefined>)[key];
  if (v === undefined) throw new Error(`unknown ${what} ${JSON.stringify(name)} (one of ${Object.keys(codes).join(', ')})`);
  return v;
}
export const patternTypeCode = (name: string): number => codeOf(PatternType, 'pattern type', name);
export const operationCode = (name: string): number => codeOf(AclOperation, 'operation', name);

/** One binding in a log line. */
export function describeBinding(b: AclBinding): string {
  return `(principal=${b.principal}, host=${b.host}, operation=${operationName(b.operation)}, permissionType=${permissionTypeName(b.permissionType)}) on ${resourcePatternName(b.resourceType, b.patternType, b.resourceName)}`;
}

const RESOURCE_LOG_NAMES: Record<number, string> = { 2: 'Topic', 3: 'Group', 4: 'Cluster', 5: 'TransactionalId', 6: 'DelegationToken', 7: 'User' };

/** `Topic:LITERAL:orders`, as Kafka's authorizer log names a resource pattern. */
export function resourcePatternName(resourceType: number, patternType: number, name: string): string {
  return `${RESOURCE_LOG_NAMES[resourceType] ?? resourceTypeName(resourceType)}:${patternTypeName(patternType)}:${name}`;
}
