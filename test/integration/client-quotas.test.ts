// DescribeClientQuotas and AlterClientQuotas 0-1 in raw frames: quotas of users, client ids, users' clients, ips and
// their defaults; Kafka's KRaft filters (exact, default, specified; strict or not); removal, validateOnly and every
// refusal of Kafka's controller with its message; DESCRIBE_CONFIGS / ALTER_CONFIGS on the cluster under the
// authorizer; and persistence in the cluster metadata across a restart.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation, ResourceType } from '../support/authz';
import type { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { QuotaMatchType, entityKey, type QuotaEntity } from '../../src/broker/quota/client-quota-entity';

type Component = { entityType: string; entityName: string | null };
type Op = { key: string; value: number; remove: boolean };

const set = (key: string, value: number): Op => ({ key, value, remove: false });
const remove = (key: string): Op => ({ key, value: 0, remove: true });
const entity = (e: QuotaEntity): Component[] => Object.entries(e).map(([entityType, entityName]) => ({ entityType, entityName: entityName ?? null }));
const exact = (entityType: string, match: string) => ({ entityType, matchType: QuotaMatchType.EXACT, match });
const byDefault = (entityType: string) => ({ entityType, matchType: QuotaMatchType.DEFAULT, match: null });
const specified = (entityType: string) => ({ entityType, matchType: QuotaMatchType.SPECIFIED, match: null });

/** An answered entity as a QuotaEntity, whatever the order of its components. */
const asEntity = (components: Component[]): QuotaEntity => Object.fromEntries(components.map((c) => [c.entityType, c.entityName]));
/** Components compared whatever their order, unknown types included. */
const sameComponents = (a: Component[], b: Component[]) => JSON.stringify([...a].sort((x, y) => x.entityType.localeCompare(y.entityType))) === JSON.stringify([...b].sort((x, y) => x.entityType.localeCompare(y.entityType)));

describe('Client quotas (DescribeClientQuotas, AlterClientQuotas)', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  before(async () => {
    broker = await startAuthzBroker();
    admin = await broker.connectAs('admin');
  });
  after(async () => broker?.stop());
  afterEach(async () => {
    // Every entity gone: remove each key of each described entity.
    const all = await admin.request(48, 1, { components: [], strict: false });
    const entries = (all.entries ?? []).map((e) => ({ entity: e.entity, ops: e.values.map((v) => remove(v.key)) }));
    if (entries.length) await admin.request(49, 1, { entries, validateOnly: false });
  });

  const alter = (c: RawClient, entries: Array<{ entity: Component[]; ops: Op[] }>, version = 1, validateOnly = false) => c.request(49, version, { entries, validateOnly });
  const describe = async (components: Array<{ entityType: string; matchType: number; match: string | null }>, strict = false, version = 1) => {
    const r = await admin.request(48, version, { components, strict });
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    return new Map((r.entries ?? []).map((e) => [entityKey(asEntity(e.entity)), Object.fromEntries(e.values.map((v) => [v.key, v.value]))]));
  };
  const keys = (...entities: QuotaEntity[]) => entities.map(entityKey).sort();

  const ALICE = { user: 'alice' };
  const APP = { 'client-id': 'app' };
  const BOB_APP = { user: 'bob', 'client-id': 'app' };
  const ALICE_DEFAULT_CLIENT = { user: 'alice', 'client-id': null };
  const DEFAULT_USER = { user: null };
  const DEFAULT_CLIENT = { 'client-id': null };
  const DEFAULT_USER_CLIENT = { user: null, 'client-id': null };
  const IP = { ip: '10.0.0.1' };
  const DEFAULT_IP = { ip: null };
  const ALL = [ALICE, APP, BOB_APP, ALICE_DEFAULT_CLIENT, DEFAULT_USER, DEFAULT_CLIENT, DEFAULT_USER_CLIENT, IP, DEFAULT_IP];

  const setAll = async (version = 1) => {
    const r = await alter(
      admin,
      [
        { entity: entity(ALICE), ops: [set('producer_byte_rate', 1024), set('consumer_byte_rate', 2048)] },
        { entity: entity(APP), ops: [set('request_percentage', 12.5)] },
        { entity: entity(BOB_APP), ops: [set('producer_byte_rate', 4096), set('controller_mutation_rate', 0.5)] },
        { entity: entity(ALICE_DEFAULT_CLIENT), ops: [set('consumer_byte_rate', 100)] },
        { entity: entity(DEFAULT_USER), ops: [set('producer_byte_rate', 10)] },
        { entity: entity(DEFAULT_CLIENT), ops: [set('consumer_byte_rate', 20)] },
        { entity: entity(DEFAULT_USER_CLIENT), ops: [set('request_percentage', 30)] },
        { entity: entity(IP), ops: [set('connection_creation_rate', 5)] },
        { entity: entity(DEFAULT_IP), ops: [set('connection_creation_rate', 50)] },
      ],
      version,
    );
    assert.equal(r.entries.length, ALL.length);
    for (const e of r.entries) assert.equal(e.errorCode, ErrorCode.NONE, `${JSON.stringify(e.entity)}: ${e.errorMessage}`);
    assert.deepEqual(r.entries.map((e) => entityKey(asEntity(e.entity))).sort(), keys(...ALL), 'each entity answered with its components');
  };

  for (const v of [0, 1]) {
    it(`v${v}: alters and describes users, client ids, users' clients, ips and their defaults`, async () => {
      await setAll(v);
      const r = await admin.request(48, v, { components: [], strict: false });
      assert.equal(r.errorCode, 0);
      assert.equal(r.errorMessage, null);
      const all = new Map((r.entries ?? []).map((e) => [entityKey(asEntity(e.entity)), Object.fromEntries(e.values.map((x) => [x.key, x.value]))]));
      assert.deepEqual(all.get(entityKey(ALICE)), { producer_byte_rate: 1024, consumer_byte_rate: 2048 });
      assert.deepEqual(all.get(entityKey(APP)), { request_percentage: 12.5 });
      assert.deepEqual(all.get(entityKey(BOB_APP)), { producer_byte_rate: 4096, controller_mutation_rate: 0.5 });
      assert.deepEqual(all.get(entityKey(ALICE_DEFAULT_CLIENT)), { consumer_byte_rate: 100 });
      assert.deepEqual(all.get(entityKey(DEFAULT_USER)), { producer_byte_rate: 10 });
      assert.deepEqual(all.get(entityKey(DEFAULT_CLIENT)), { consumer_byte_rate: 20 });
      assert.deepEqual(all.get(entityKey(DEFAULT_USER_CLIENT)), { request_percentage: 30 });
      assert.deepEqual(all.get(entityKey(IP)), { connection_creation_rate: 5 });
      assert.deepEqual(all.get(entityKey(DEFAULT_IP)), { connection_creation_rate: 50 });
      assert.equal(all.size, ALL.length);
      // Defaults travel as a null name.
      const def = r.entries!.find((e) => e.entity.length === 1 && e.entity[0].entityType === 'user' && e.entity[0].entityName === null);
      assert.ok(def, 'the default user is answered with a null name');
      // Stored as Kafka's metadata stores them, for the quota managers.
      const stored = broker.cluster.metadata.clientQuotas().find((q) => entityKey(q.entity) === entityKey(ALICE));
      assert.deepEqual(stored?.values, { producer_byte_rate: 1024, consumer_byte_rate: 2048 });
    });
  }

  it('filters: exact names, defaults and specified types, strict or not', async () => {
    await setAll();
    // Exact user, not strict: every entity of alice, with or without a client id.
    assert.deepEqual([...(await describe([exact('user', 'alice')])).keys()].sort(), keys(ALICE, ALICE_DEFAULT_CLIENT));
    // Strict: the entity has exactly the filter's types.
    assert.deepEqual([...(await describe([exact('user', 'alice')], true)).keys()], keys(ALICE));
    assert.deepEqual([...(await describe([byDefault('user')], true)).keys()], keys(DEFAULT_USER));
    assert.deepEqual([...(await describe([byDefault('user')])).keys()].sort(), keys(DEFAULT_USER, DEFAULT_USER_CLIENT));
    assert.deepEqual([...(await describe([exact('client-id', 'app')])).keys()].sort(), keys(APP, BOB_APP));
    assert.deepEqual([...(await describe([exact('user', 'alice'), byDefault('client-id')], true)).keys()], keys(ALICE_DEFAULT_CLIENT));
    assert.deepEqual([...(await describe([byDefault('user'), byDefault('client-id')], true)).keys()], keys(DEFAULT_USER_CLIENT));
    // Specified: the entity has the type; Kafka's KRaft image counts the type's default among them.
    assert.deepEqual([...(await describe([specified('user')], true)).keys()].sort(), keys(ALICE, DEFAULT_USER));
    assert.deepEqual([...(await describe([specified('user'), specified('client-id')], true)).keys()].sort(), keys(BOB_APP, ALICE_DEFAULT_CLIENT, DEFAULT_USER_CLIENT));
    assert.deepEqual([...(await describe([specified('user'), exact('client-id', 'app')])).keys()], keys(BOB_APP));
    assert.deepEqual([...(await describe([specified('ip')])).keys()].sort(), keys(IP, DEFAULT_IP));
    assert.deepEqual([...(await describe([exact('ip', '10.0.0.1')], true)).keys()], keys(IP));
    assert.deepEqual([...(await describe([exact('user', 'nobody')])).keys()], []);
    // No component: everything, or nothing when strict.
    assert.equal((await describe([])).size, ALL.length);
    assert.equal((await describe([], true)).size, 0);
  });

  it("refuses invalid filters as a whole with Kafka's messages, and no entries", async () => {
    const cases: Array<[Array<{ entityType: string; matchType: number; match: string | null }>, number, string]> = [
      [[exact('user', 'a'), byDefault('user')], ErrorCode.INVALID_REQUEST, 'Entity type user cannot appear more than once in the filter.'],
      [[{ entityType: 'user', matchType: 7, match: null }], ErrorCode.INVALID_REQUEST, 'Unknown match type 7'],
      [[{ entityType: 'user', matchType: QuotaMatchType.EXACT, match: null }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_EXACT, but set match string to null.'],
      [[{ entityType: 'user', matchType: QuotaMatchType.DEFAULT, match: 'a' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_DEFAULT, but also specified a match string.'],
      [[{ entityType: 'user', matchType: QuotaMatchType.SPECIFIED, match: 'a' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.'],
      [[specified('ip'), exact('user', 'a')], ErrorCode.INVALID_REQUEST, 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.'],
      [[exact('client-id', 'a'), byDefault('ip')], ErrorCode.INVALID_REQUEST, 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.'],
      [[{ entityType: '', matchType: QuotaMatchType.SPECIFIED, match: null }], ErrorCode.INVALID_REQUEST, 'Invalid empty entity type.'],
      [[specified('group')], ErrorCode.UNSUPPORTED_VERSION, 'Unsupported entity type group'],
    ];
    for (const v of [0, 1]) {
      for (const [components, code, message] of cases) {
        const r = await admin.request(48, v, { components, strict: false });
        assert.deepEqual([r.errorCode, r.errorMessage, r.entries], [code, message, null], JSON.stringify(components));
      }
    }
  });

  it('removes keys; an entity without keys is gone; removing an absent key changes nothing', async () => {
    await setAll();
    let r = await alter(admin, [{ entity: entity(ALICE), ops: [remove('producer_byte_rate'), remove('request_percentage')] }]);
    assert.deepEqual(r.entries.map((e) => [e.errorCode, e.errorMessage]), [[0, null]]);
    assert.deepEqual((await describe([exact('user', 'alice')], true)).get(entityKey(ALICE)), { consumer_byte_rate: 2048 });
    // Set and remove in one request.
    r = await alter(admin, [{ entity: entity(ALICE), ops: [remove('consumer_byte_rate'), set('request_percentage', 50)] }]);
    assert.equal(r.entries[0].errorCode, 0);
    assert.deepEqual((await describe([exact('user', 'alice')], true)).get(entityKey(ALICE)), { request_percentage: 50 });
    r = await alter(admin, [{ entity: entity(ALICE), ops: [remove('request_percentage')] }]);
    assert.equal(r.entries[0].errorCode, 0);
    assert.equal((await describe([exact('user', 'alice')], true)).size, 0, 'the entity went with its last key');
    // Removing from an entity that has nothing: fine, and no key is checked.
    r = await alter(admin, [{ entity: entity({ user: 'ghost' }), ops: [remove('no_such_key')] }]);
    assert.deepEqual(r.entries.map((e) => [e.errorCode, e.errorMessage]), [[0, null]]);
    assert.equal((await describe([exact('user', 'ghost')])).size, 0);
  });

  it('validateOnly checks and answers without saving', async () => {
    for (const v of [0, 1]) {
      const ok = await alter(admin, [{ entity: entity(ALICE), ops: [set('producer_byte_rate', 1024)] }], v, true);
      assert.deepEqual(ok.entries.map((e) => [e.errorCode, e.errorMessage]), [[0, null]]);
      assert.equal((await describe([])).size, 0, 'nothing saved');
      const bad = await alter(admin, [{ entity: entity(ALICE), ops: [set('producer_byte_rate', -1)] }], v, true);
      assert.deepEqual(bad.entries.map((e) => [e.errorCode, e.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Quota producer_byte_rate must be greater than 0']]);
    }
  });

  it("refuses invalid entities and values one entity at a time with Kafka's messages, applying the valid ones", async () => {
    const cases: Array<[Component[], Op[], string]> = [
      [[], [set('producer_byte_rate', 1)], 'Invalid empty client quota entity'],
      [entity({ user: 'u1' }).concat({ entityType: 'group', entityName: 'g' }), [set('producer_byte_rate', 1)], 'Unhandled client quota entity type: group'],
      [entity({ user: '' }), [set('producer_byte_rate', 1)], 'Empty user not supported'],
      [entity({ 'client-id': '' }), [set('producer_byte_rate', 1)], 'Empty client-id not supported'],
      [entity({ user: 'u2', ip: '10.0.0.2' }), [set('producer_byte_rate', 1)], 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId'],
      [entity({ ip: 'not an ip' }), [set('connection_creation_rate', 1)], 'not an ip is not a valid IP or resolvable host.'],
      [entity({ user: 'u3' }), [set('connection_creation_rate', 1)], 'Invalid configuration key connection_creation_rate'],
      [entity({ ip: '10.0.0.3' }), [set('producer_byte_rate', 1)], 'Invalid configuration key producer_byte_rate'],
      [entity({ 'client-id': 'c1' }), [set('no_such_quota', 1)], 'Invalid configuration key no_such_quota'],
      [entity({ user: 'u4' }), [set('producer_byte_rate', 0)], 'Quota producer_byte_rate must be greater than 0'],
      [entity({ user: 'u5' }), [set('request_percentage', -5)], 'Quota request_percentage must be greater than 0'],
      [entity({ user: 'u6' }), [set('consumer_byte_rate', 1.5)], 'consumer_byte_rate cannot be a fractional value.'],
      [entity({ ip: '10.0.0.4' }), [set('connection_creation_rate', 2.25)], 'connection_creation_rate cannot be a fractional value.'],
      [entity({ ip: '10.0.0.5' }), [set('connection_creation_rate', 3e9)], 'Proposed value for connection_creation_rate is too large for an INT.'],
      [entity({ user: 'u7' }), [set('producer_byte_rate', 1e19)], 'Proposed value for producer_byte_rate is too large for a LONG.'],
      // One bad value refuses the entity's whole alteration.
      [entity({ user: 'u8' }), [set('request_percentage', 10), set('producer_byte_rate', -1)], 'Quota producer_byte_rate must be greater than 0'],
    ];
    const good = [
      { entity: entity({ user: 'fine' }), ops: [set('producer_byte_rate', 1e6), set('request_percentage', 0.25), set('controller_mutation_rate', 2.5)] },
      { entity: entity({ ip: '::1' }), ops: [set('connection_creation_rate', 7)] },
      { entity: entity({ ip: 'localhost' }), ops: [set('connection_creation_rate', 8)] },
    ];
    for (const v of [0, 1]) {
      const r = await alter(admin, [...cases.map(([e, ops]) => ({ entity: e, ops })), ...good], v);
      assert.equal(r.entries.length, cases.length + good.length);
      for (const [components, , message] of cases) {
        const answer = r.entries.find((e) => sameComponents(e.entity, components));
        assert.ok(answer, `an answer for ${JSON.stringify(components)}`);
        assert.deepEqual([answer.errorCode, answer.errorMessage], [ErrorCode.INVALID_REQUEST, message], JSON.stringify(components));
      }
      for (const g of good) {
        const answer = r.entries.find((e) => entityKey(asEntity(e.entity)) === entityKey(asEntity(g.entity)));
        assert.deepEqual([answer?.errorCode, answer?.errorMessage], [0, null], JSON.stringify(g.entity));
      }
      const all = await describe([]);
      assert.deepEqual([...all.keys()].sort(), keys({ user: 'fine' }, { ip: '::1' }, { ip: 'localhost' }), 'only the valid entities were stored');
      assert.deepEqual(all.get(entityKey({ user: 'fine' })), { producer_byte_rate: 1e6, request_percentage: 0.25, controller_mutation_rate: 2.5 });
    }
  });

  it('duplicates: a key twice or an entity twice is refused as a duplicate entity; a type twice keeps its last name', async () => {
    let r = await alter(admin, [{ entity: entity(ALICE), ops: [set('producer_byte_rate', 1), set('producer_byte_rate', 2)] }]);
    assert.deepEqual(r.entries.map((e) => [e.errorCode, e.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Ignoring duplicate entity ClientQuotaEntity(entries={user=alice})']]);
    assert.equal((await describe([])).size, 0);

    // The same entity twice (its components in another order): the first alteration stands, one answer says why the
    // second was ignored, as Kafka's result map keeps one answer per entity.
    r = await alter(admin, [
      { entity: entity({ user: 'bob', 'client-id': 'app' }), ops: [set('producer_byte_rate', 1000)] },
      { entity: entity({ 'client-id': 'app', user: 'bob' }), ops: [set('producer_byte_rate', 2000)] },
    ]);
    assert.equal(r.entries.length, 1);
    assert.equal(r.entries[0].errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(r.entries[0].errorMessage!, /^Ignoring duplicate entity ClientQuotaEntity\(entries=\{(user=bob, client-id=app|client-id=app, user=bob)\}\)$/);
    assert.deepEqual((await describe([])).get(entityKey(BOB_APP)), { producer_byte_rate: 1000 });

    // A type given twice in one entity: Kafka's request reads the entity into a map, the last name wins.
    r = await alter(admin, [{ entity: [{ entityType: 'user', entityName: 'first' }, { entityType: 'user', entityName: 'second' }], ops: [set('consumer_byte_rate', 5)] }]);
    assert.deepEqual(r.entries.map((e) => [e.errorCode, e.entity]), [[0, [{ entityType: 'user', entityName: 'second' }]]]);
    assert.deepEqual((await describe([exact('user', 'second')], true)).get(entityKey({ user: 'second' })), { consumer_byte_rate: 5 });
  });

  it('an empty request is answered with no entries', async () => {
    const r = await alter(admin, []);
    assert.deepEqual(r.entries, []);
  });

  it('needs DESCRIBE_CONFIGS on the cluster to describe, ALTER_CONFIGS to alter (which implies DESCRIBE_CONFIGS)', async () => {
    const alice = await broker.connectAs('alice');
    const d = await alice.request(48, 1, { components: [], strict: false });
    assert.deepEqual([d.errorCode, d.errorMessage, d.entries], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.', null]);
    const entries = [
      { entity: entity(ALICE), ops: [set('producer_byte_rate', 1024)] },
      { entity: [{ entityType: 'user', entityName: 'x' }, { entityType: 'user', entityName: 'y' }], ops: [] },
    ];
    const a = await alter(alice, entries);
    assert.deepEqual(
      a.entries.map((e) => [e.errorCode, e.errorMessage, e.entity]),
      entries.map((e) => [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.', e.entity]),
      'every entry refused, its entity as the request gave it',
    );
    assert.equal((await describe([])).size, 0);
    assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = ALTER_CONFIGS .* for request = AlterClientQuotas/.test(l)), 'the denial is logged');

    broker.allow('User:alice', AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, 'kafka-cluster');
    assert.equal((await alice.request(48, 0, { components: [], strict: false })).errorCode, 0);
    assert.equal((await alter(alice, entries.slice(0, 1))).entries[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);

    const bob = await broker.connectAs('bob');
    broker.allow('User:bob', AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, 'kafka-cluster');
    assert.equal((await alter(bob, entries.slice(0, 1), 0)).entries[0].errorCode, 0);
    assert.equal((await bob.request(48, 1, { components: [], strict: false })).errorCode, 0, 'ALTER_CONFIGS implies DESCRIBE_CONFIGS');
  });

  it('quotas are kept in the cluster metadata: a restart finds them, and the quota listener hears changes', async () => {
    let heard = 0;
    broker.cluster.metadata.quotaListener = () => heard++;
    await setAll();
    assert.equal(heard, 1, 'one request, one change');
    await alter(admin, [{ entity: entity(ALICE), ops: [set('producer_byte_rate', 1024)] }], 1, true);
    await alter(admin, [{ entity: entity(ALICE), ops: [set('producer_byte_rate', 1024)] }]);
    assert.equal(heard, 1, 'validateOnly and a request that changes nothing say nothing');
    admin.close();
    await broker.stop(true);
    broker = await startAuthzBroker({ dataDir: broker.dataDir });
    admin = await broker.connectAs('admin');
    const all = await describe([]);
    assert.equal(all.size, ALL.length);
    assert.deepEqual(all.get(entityKey(ALICE_DEFAULT_CLIENT)), { consumer_byte_rate: 100 });
    assert.deepEqual(all.get(entityKey(DEFAULT_IP)), { connection_creation_rate: 50 });
  });
});
