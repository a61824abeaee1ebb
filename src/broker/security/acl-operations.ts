/**
 * Kafka's ACL operations and resource types (org.apache.kafka.common.acl.AclOperation, ResourceType), and which
 * operations each resource type supports (kafka.security.authorizer.AclEntry.supportedOperations). Without an
 * authorizer Kafka reports every supported operation as authorized: that is what Metadata, DescribeGroups and
 * DescribeCluster answer when a client asks for authorized operations.
 */

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType];

const O = AclOperation;
const SUPPORTED: ReadonlyMap<number, readonly number[]> = new Map<number, number[]>([
  [ResourceType.TOPIC, [O.READ, O.WRITE, O.CREATE, O.DESCRIBE, O.DELETE, O.ALTER, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS]],
  [ResourceType.GROUP, [O.READ, O.DESCRIBE, O.DELETE]],
  [ResourceType.CLUSTER, [O.CREATE, O.CLUSTER_ACTION, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS, O.IDEMPOTENT_WRITE, O.ALTER, O.DESCRIBE]],
  [ResourceType.TRANSACTIONAL_ID, [O.DESCRIBE, O.WRITE]],
  [ResourceType.DELEGATION_TOKEN, [O.DESCRIBE]],
  [ResourceType.USER, [O.CREATE_TOKENS, O.DESCRIBE_TOKENS]],
]);

/** Operations whose ALLOW also allows DESCRIBE (Kafka's StandardAuthorizerData; ALLOW ACLs only). */
export const IMPLIES_DESCRIBE: readonly number[] = [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER];

/** The value of an authorized-operations field the client did not ask for (the schemas' default, INT32_MIN). */
export const OPERATIONS_NOT_REQUESTED = -2147483648;

export function supportedOperations(resourceType: ResourceTypeCode): readonly number[] {
  return SUPPORTED.get(resourceType) ?? [];
}

/** One bit per operation code (Kafka's Utils.to32BitField). */
export function operationsBitField(operations: readonly number[]): number {
  return operations.reduce((bits, op) => bits | (1 << op), 0);
}

/** The authorized-operations field of a resource of `resourceType`: every supported operation, as with no authorizer. */
export function authorizedOperations(resourceType: ResourceTypeCode, requested: boolean): number {
  return requested ? operationsBitField(supportedOperations(resourceType)) : OPERATIONS_NOT_REQUESTED;
}
