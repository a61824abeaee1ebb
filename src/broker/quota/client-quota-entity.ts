/**
 * Client quota entities and their configs as the cluster metadata keeps them (Kafka's ClientQuotaRecords), with the
 * rules of Kafka's KRaft controller and metadata image: which entity combinations and keys an alteration may use
 * (ClientQuotaControlManager), and which entities a DescribeClientQuotas filter selects (ClientQuotasImage).
 *
 * Kafka's request objects hold entities and ops in java.util.HashMaps, and its error messages and answers follow
 * their iteration order; javaHashMapOrder reproduces that order so that messages and responses read as Kafka's.
 */
import { KafkaError, type ErrorName } from '../errors';

export type QuotaEntityType = 'user' | 'client-id' | 'ip';
/** An entity: for each of its types, a name, or null for that type's default (Kafka's <default>). */
export type QuotaEntity = Partial<Record<QuotaEntityType, string | null>>;
export interface StoredClientQuota {
  entity: QuotaEntity;
  values: Record<string, number>;
}
export const CLIENT_QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'] as const;
export const IP_QUOTA_KEYS = ['connection_creation_rate'] as const;

const QUOTA_ENTITY_TYPES: readonly QuotaEntityType[] = ['user', 'client-id', 'ip'];

/** DescribeClientQuotas match types (Kafka's ClientQuotaFilterComponent). */
export const QuotaMatchType = { EXACT: 0, DEFAULT: 1, SPECIFIED: 2 } as const;

/** One (type, name) pair as the protocol carries it. */
interface QuotaEntityComponent {
  entityType: string;
  entityName: string | null;
}

/** The ConfigDef type of each key (Kafka's QuotaConfig): integral types refuse fractions and values past their range. */
type QuotaValueType = 'LONG' | 'INT' | 'DOUBLE';
const CLIENT_KEY_TYPES: Record<(typeof CLIENT_QUOTA_KEYS)[number], QuotaValueType> = {
  producer_byte_rate: 'LONG',
  consumer_byte_rate: 'LONG',
  request_percentage: 'DOUBLE',
  controller_mutation_rate: 'DOUBLE',
};
const IP_KEY_TYPES: Record<(typeof IP_QUOTA_KEYS)[number], QuotaValueType> = { connection_creation_rate: 'INT' };
const TYPE_MAX: Record<QuotaValueType, number> = { LONG: 2 ** 63, INT: 2 ** 31 - 1, DOUBLE: Infinity };
const TYPE_ARTICLE: Record<QuotaValueType, string> = { LONG: 'a', INT: 'an', DOUBLE: 'a' };

function isQuotaEntityType(t: string): t is QuotaEntityType {
  return (QUOTA_ENTITY_TYPES as readonly string[]).includes(t);
}

/** The entity's components, in the order user, client-id, ip. */
export function entityComponents(e: QuotaEntity): QuotaEntityComponent[] {
  return QUOTA_ENTITY_TYPES.filter((t) => t in e).map((t) => ({ entityType: t, entityName: e[t] ?? null }));
}

/** A string equal for equal entities, whatever the order of their components. */
export function entityKey(e: QuotaEntity): string {
  return JSON.stringify(QUOTA_ENTITY_TYPES.map((t) => (t in e ? [e[t] ?? null] : [])));
}

// -- Java's HashMap iteration order --------------------------------------------------------------------------------

/** java.lang.String.hashCode (null hashes to 0, as Objects.hashCode). */
export function javaStringHash(s: string | null): number {
  if (s === null) return 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order in which a java.util.HashMap created with `initialCapacity` (16 for `new HashMap<>()`) iterates these
 * distinct keys, put in this order: by bucket of the final table (hash spread, masked), then by insertion, since a
 * resize splits each bucket keeping its order.
 */
export function javaHashMapOrder<T>(keys: readonly T[], hash: (k: T) => number, initialCapacity = 16): T[] {
  let capacity = 1;
  while (capacity < initialCapacity) capacity *= 2;
  let threshold = Math.floor(capacity * 0.75);
  for (let size = 1; size <= keys.length; size++) {
    if (size > threshold) {
      capacity *= 2;
      threshold = Math.floor(capacity * 0.75);
    }
  }
  const bucket = (h: number) => (h ^ (h >>> 16)) & (capacity - 1);
  return keys
    .map((k, i) => ({ k, i, b: bucket(hash(k)) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.k);
}

/**
 * The components of one request entity as Kafka's `new HashMap<>(n)` of them holds them: a type given twice keeps its
 * first place and its last name, and iteration follows Java's order.
 */
function javaEntityMap(components: readonly QuotaEntityComponent[]): QuotaEntityComponent[] {
  const byType = new Map<string, string | null>();
  for (const c of components) byType.set(c.entityType, c.entityName);
  const ordered = javaHashMapOrder([...byType.keys()], javaStringHash, components.length);
  return ordered.map((entityType) => ({ entityType, entityName: byType.get(entityType)! }));
}

/** Kafka's ClientQuotaEntity.toString: `ClientQuotaEntity(entries={user=alice, client-id=app})`. */
export function javaEntityString(entity: readonly QuotaEntityComponent[]): string {
  return `ClientQuotaEntity(entries={${entity.map((c) => `${c.entityType}=${c.entityName}`).join(', ')}})`;
}

/** ClientQuotaEntity.hashCode: Objects.hash over its map, whose hash sums key hash ^ value hash. */
function javaEntityHash(entity: readonly QuotaEntityComponent[]): number {
  let sum = 0;
  for (const c of entity) sum = (sum + (javaStringHash(c.entityType) ^ javaStringHash(c.entityName))) | 0;
  return (31 + sum) | 0;
}

function componentsKey(entity: readonly QuotaEntityComponent[]): string {
  return JSON.stringify([...entity].sort((a, b) => (a.entityType < b.entityType ? -1 : 1)).map((c) => [c.entityType, c.entityName]));
}

// -- DescribeClientQuotas filters (ClientQuotasImage.describe) -----------------------------------------------------

export interface QuotaFilterComponent {
  entityType: string;
  matchType: number;
  match: string | null;
}

interface QuotaFilter {
  /** Types matched by name, or by default (null). */
  exact: Map<QuotaEntityType, string | null>;
  /** Types the entity must have, whatever the name. */
  specified: Set<QuotaEntityType>;
  /** The entity has no other type. */
  strict: boolean;
}

/** The filter of a DescribeClientQuotas request; an invalid one throws the KafkaError Kafka answers with. */
export function quotaFilter(components: readonly QuotaFilterComponent[], strict: boolean): QuotaFilter {
  const f: QuotaFilter = { exact: new Map(), specified: new Set(), strict };
  const invalid = (message: string) => new KafkaError('INVALID_REQUEST', message);
  for (const c of components) {
    const type = c.entityType;
    if (type === '') throw invalid('Invalid empty entity type.');
    if (f.exact.has(type as QuotaEntityType) || f.specified.has(type as QuotaEntityType)) throw invalid(`Entity type ${type} cannot appear more than once in the filter.`);
    if (!isQuotaEntityType(type)) throw new KafkaError('UNSUPPORTED_VERSION', `Unsupported entity type ${type}`);
    switch (c.matchType) {
      case QuotaMatchType.EXACT:
        if (c.match === null) throw invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
        f.exact.set(type, c.match);
        break;
      case QuotaMatchType.DEFAULT:
        if (c.match !== null) throw invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
        f.exact.set(type, null);
        break;
      case QuotaMatchType.SPECIFIED:
        if (c.match !== null) throw invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
        f.specified.add(type);
        break;
      default:
        throw invalid(`Unknown match type ${c.matchType}`);
    }
  }
  const has = (t: QuotaEntityType) => f.exact.has(t) || f.specified.has(t);
  if (has('ip') && (has('user') || has('client-id'))) {
    throw invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  }
  return f;
}

/**
 * Whether the filter selects the entity. As Kafka's KRaft image does, a "specified" component only asks that the
 * entity have the type, so it selects that type's default entity too.
 */
export function matchesQuotaFilter(entity: QuotaEntity, f: QuotaFilter): boolean {
  if (f.strict && Object.keys(entity).length !== f.exact.size + f.specified.size) return false;
  for (const [type, name] of f.exact) if (!(type in entity) || (entity[type] ?? null) !== name) return false;
  for (const type of f.specified) if (!(type in entity)) return false;
  return true;
}

// -- AlterClientQuotas (ClientQuotaControlManager.alterClientQuotas) -----------------------------------------------

interface QuotaAlteration {
  entity: readonly QuotaEntityComponent[];
  ops: ReadonlyArray<{ key: string; value: number; remove: boolean }>;
}

interface QuotaAlterationResult {
  /** The entity as Kafka answers it: each type once, in its map's order. */
  entity: QuotaEntityComponent[];
  error: { name: ErrorName; message: string } | null;
}

interface QuotaAlterationOutcome {
  /** The quotas after the valid alterations. */
  quotas: StoredClientQuota[];
  changed: boolean;
  /** One per distinct entity, in the order of Kafka's result map. */
  results: QuotaAlterationResult[];
}

/** The names of the ip entities: Kafka validates each with InetAddress.getByName (an address, or a host that resolves). */
export function ipNamesOf(alterations: readonly QuotaAlteration[]): string[] {
  return [...new Set(alterations.flatMap((a) => a.entity.filter((c) => c.entityType === 'ip' && c.entityName !== null).map((c) => c.entityName!)))];
}

/**
 * Applies the alterations to `current` as Kafka's controller does: each entity validated on its own (its types, their
 * combination, then each key and value), a valid one applied even when another fails; an entity named twice is
 * refused the second time (its first alteration stands) and answered once, as Kafka's result map holds one answer
 * per entity. Removing a key the entity lacks is no change. `validIp` says whether an ip entity's name is an address
 * or a resolvable host.
 */
export function alterClientQuotas(current: readonly StoredClientQuota[], alterations: readonly QuotaAlteration[], validIp: (name: string) => boolean): QuotaAlterationOutcome {
  const byKey = new Map(current.map((q) => [entityKey(q.entity), { entity: { ...q.entity }, values: { ...q.values } }]));
  const results = new Map<string, QuotaAlterationResult>();
  let changed = false;
  for (const alteration of alterations) {
    const entity = javaEntityMap(alteration.entity);
    const resultKey = componentsKey(entity);
    const answer = (error: QuotaAlterationResult['error']) => {
      const earlier = results.get(resultKey);
      if (earlier) earlier.error = error;
      else results.set(resultKey, { entity, error });
    };
    const ops = new Map<string, number | null>();
    let duplicateKey = false;
    for (const op of alteration.ops) {
      if (ops.has(op.key)) duplicateKey = true;
      else ops.set(op.key, op.remove ? null : op.value);
    }
    // Kafka records "Duplicate quota key" for the entity, then finds the entity answered and replaces that answer.
    if (duplicateKey || results.has(resultKey)) {
      answer({ name: 'INVALID_REQUEST', message: `Ignoring duplicate entity ${javaEntityString(entity)}` });
      continue;
    }
    const checked = validateEntity(entity, validIp);
    if ('error' in checked) {
      answer(checked.error);
      continue;
    }
    const stored = byKey.get(entityKey(checked.entity));
    const values = { ...(stored?.values ?? {}) };
    let error: QuotaAlterationResult['error'] = null;
    for (const key of javaHashMapOrder([...ops.keys()], javaStringHash, alteration.ops.length)) {
      const value = ops.get(key)!;
      if (value === null) {
        delete values[key];
        continue;
      }
      error = validateValue(checked.keyTypes, key, value);
      if (error) break;
      values[key] = value;
    }
    answer(error);
    if (error) continue;
    const before = JSON.stringify(stored?.values ?? {});
    if (JSON.stringify(values) === before) continue;
    changed = true;
    if (Object.keys(values).length === 0) byKey.delete(entityKey(checked.entity));
    else byKey.set(entityKey(checked.entity), { entity: checked.entity, values });
  }
  const ordered = javaHashMapOrder([...results.values()], (r) => javaEntityHash(r.entity));
  return { quotas: [...byKey.values()], changed, results: ordered };
}

type EntityCheck = { entity: QuotaEntity; keyTypes: Record<string, QuotaValueType> } | { error: { name: ErrorName; message: string } };

function validateEntity(components: readonly QuotaEntityComponent[], validIp: (name: string) => boolean): EntityCheck {
  const fail = (message: string): EntityCheck => ({ error: { name: 'INVALID_REQUEST', message } });
  if (components.length === 0) return fail('Invalid empty client quota entity');
  const entity: QuotaEntity = {};
  for (const { entityType, entityName } of components) {
    if (!isQuotaEntityType(entityType)) return fail(`Unhandled client quota entity type: ${entityType}`);
    entity[entityType] = entityName;
    if (entityName === '') return fail(`Empty ${entityType} not supported`);
  }
  if ('ip' in entity) {
    if ('user' in entity || 'client-id' in entity) return fail('Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId');
    const ip = entity.ip ?? null;
    if (ip !== null && !validIp(ip)) return fail(`${ip} is not a valid IP or resolvable host.`);
    return { entity, keyTypes: IP_KEY_TYPES };
  }
  return { entity, keyTypes: CLIENT_KEY_TYPES };
}

function validateValue(keyTypes: Record<string, QuotaValueType>, key: string, value: number): QuotaAlterationResult['error'] {
  const fail = (message: string) => ({ name: 'INVALID_REQUEST' as const, message });
  const type = Object.hasOwn(keyTypes, key) ? keyTypes[key] : undefined;
  if (!type) return fail(`Invalid configuration key ${key}`);
  // NaN slips past Kafka's checks; refused here as not greater than 0, so that the metadata stays valid JSON.
  if (!(value > 0)) return fail(`Quota ${key} must be greater than 0`);
  if (type === 'DOUBLE') return value === Infinity ? fail(`Proposed value for ${key} is too large for a DOUBLE.`) : null;
  if (value > TYPE_MAX[type]) return fail(`Proposed value for ${key} is too large for ${TYPE_ARTICLE[type]} ${type}.`);
  if (Math.abs(value % 1) > 1e-6) return fail(`${key} cannot be a fractional value.`);
  return null;
}
