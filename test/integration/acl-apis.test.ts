// CreateAcls, DescribeAcls and DeleteAcls 0-3 in raw frames against a broker with Kafka's StandardAuthorizer:
// validation with Kafka's messages, filters (ANY, MATCH, LITERAL, PREFIXED), v0's literal-only rules, ALTER/DESCRIBE
// on the cluster, persistence across a restart, and SECURITY_DISABLED without an authorizer.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation, ResourceType, PatternType, PermissionType } from '../support/authz';
import { startTestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';

const creation = (o: Partial<{ resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number }> = {}) => ({
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  resourcePatternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: AclOperation.READ,
  permissionType: PermissionType.ALLOW,
  ...o,
});
const filter = (o: Partial<{ resourceTypeFilter: number; resourceNameFilter: string | null; patternTypeFilter: number; principalFilter: string | null; hostFilter: string | null; operation: number; permissionType: number }> = {}) => ({
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: AclOperation.ANY,
  permissionType: PermissionType.ANY,
  ...o,
});

describe('ACL APIs (CreateAcls, DescribeAcls, DeleteAcls) with the StandardAuthorizer', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  before(async () => {
    broker = await startAuthzBroker();
    admin = await broker.connectAs('admin');
  });
  after(async () => broker?.stop());
  afterEach(async () => {
    await admin.request(31, 3, { filters: [filter()] });
  });

  for (const v of [1, 2, 3]) {
    it(`v${v}: creates, describes grouped by resource pattern, and deletes what a filter matches`, async () => {
      const created = await admin.request(30, v, {
        creations: [creation(), creation({ principal: 'User:bob', operation: AclOperation.WRITE }), creation({ resourceName: 'ord', resourcePatternType: PatternType.PREFIXED, permissionType: PermissionType.DENY })],
      });
      assert.deepEqual(created.results.map((r) => r.errorCode), [0, 0, 0]);
      const all = await admin.request(29, v, filter());
      assert.equal(all.errorCode, ErrorCode.NONE);
      assert.deepEqual(
        all.resources.map((r) => [r.resourceName, r.patternType, r.acls.length]).sort(),
        [['ord', PatternType.PREFIXED, 1], ['orders', PatternType.LITERAL, 2]],
      );
      // MATCH: every ACL that applies to the topic "orders-eu" (the prefixed one), none of the literal "orders" ones.
      const match = await admin.request(29, v, filter({ resourceTypeFilter: ResourceType.TOPIC, resourceNameFilter: 'orders-eu', patternTypeFilter: PatternType.MATCH }));
      assert.deepEqual(match.resources.map((r) => r.resourceName), ['ord']);
      const del = await admin.request(31, v, { filters: [filter({ resourceNameFilter: 'orders', patternTypeFilter: PatternType.LITERAL, principalFilter: 'User:bob' })] });
      assert.equal(del.filterResults[0].errorCode, 0);
      assert.deepEqual(del.filterResults[0].matchingAcls.map((a) => [a.principal, a.operation]), [['User:bob', AclOperation.WRITE]]);
      const left = await admin.request(29, v, filter({ resourceNameFilter: 'orders' }));
      assert.deepEqual(left.resources.flatMap((r) => r.acls.map((a) => a.principal)), ['User:alice']);
    });
  }

  it('a binding created twice is stored once', async () => {
    await admin.request(30, 3, { creations: [creation(), creation()] });
    await admin.request(30, 3, { creations: [creation()] });
    const all = await admin.request(29, 3, filter());
    assert.equal(all.resources[0].acls.length, 1);
  });

  it("refuses invalid bindings one by one with Kafka's messages (INVALID_REQUEST), creating the valid ones", async () => {
    const r = await admin.request(30, 3, {
      creations: [
        creation({ resourceType: ResourceType.CLUSTER, resourceName: 'my-cluster', operation: AclOperation.ALTER }),
        creation({ resourceName: '' }),
        creation({ resourceType: ResourceType.ANY }),
        creation({ resourcePatternType: PatternType.MATCH }),
        creation({ operation: AclOperation.ANY }),
        creation({ permissionType: PermissionType.ANY }),
        creation({ principal: 'alice' }),
        creation({ resourceType: ResourceType.CLUSTER, resourceName: 'kafka-cluster', operation: AclOperation.ALTER }),
      ],
    });
    assert.deepEqual(r.results.map((x) => x.errorCode), [...Array(7).fill(ErrorCode.INVALID_REQUEST), 0]);
    assert.equal(r.results[0].errorMessage, 'The only valid name for the CLUSTER resource is kafka-cluster');
    assert.equal(r.results[1].errorMessage, 'Invalid empty resource name');
    assert.equal(r.results[2].errorMessage, 'Invalid resourceType ANY');
    assert.equal(r.results[3].errorMessage, 'Invalid patternType MATCH');
    assert.equal(r.results[4].errorMessage, 'Invalid operation ANY');
    assert.equal(r.results[5].errorMessage, 'Invalid permissionType ANY');
    const all = await admin.request(29, 3, filter());
    assert.deepEqual(all.resources.map((x) => x.resourceName), ['kafka-cluster']);
  });

  it('v0: bindings and filters are literal (the field does not exist yet), prefixed ACLs out of their reach', async () => {
    await admin.request(30, 3, { creations: [creation({ resourceName: 'pre', resourcePatternType: PatternType.PREFIXED })] });
    const c0 = await admin.request(30, 0, { creations: [creation({ resourceName: 'lit' })] });
    assert.equal(c0.results[0].errorCode, 0);
    // v0 cannot carry a pattern type: the broker reads the schema's default, LITERAL.
    const d0 = await admin.request(29, 0, filter({ patternTypeFilter: PatternType.LITERAL }));
    assert.equal(d0.errorCode, 0);
    assert.deepEqual(d0.resources.map((r) => r.resourceName), ['lit']);
    const del0 = await admin.request(31, 0, { filters: [filter({ patternTypeFilter: PatternType.LITERAL })] });
    assert.deepEqual(del0.filterResults[0].matchingAcls.map((a) => a.resourceName), ['lit'], 'the prefixed ACL stays');
  });

  it('filters with UNKNOWN elements are INVALID_REQUEST', async () => {
    const d = await admin.request(29, 3, filter({ operation: AclOperation.UNKNOWN }));
    assert.equal(d.errorCode, ErrorCode.INVALID_REQUEST);
    const del = await admin.request(31, 3, { filters: [filter({ resourceTypeFilter: ResourceType.UNKNOWN }), filter({ resourceNameFilter: 'x' })] });
    assert.deepEqual(del.filterResults.map((f) => f.errorCode), [ErrorCode.INVALID_REQUEST, 0]);
  });

  it('needs ALTER on the cluster to create and delete, DESCRIBE (or ALTER, which implies it) to describe', async () => {
    const alice = await broker.connectAs('alice');
    const c = await alice.request(30, 3, { creations: [creation()] });
    assert.equal(c.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const d = await alice.request(29, 3, filter());
    assert.equal(d.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const del = await alice.request(31, 3, { filters: [filter()] });
    assert.equal(del.filterResults[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.ok(broker.logger.lines.some((l) => /authorizer: Principal = User:alice is Denied operation = ALTER from host = 127\.0\.0\.1 on resource = Cluster:LITERAL:kafka-cluster for request = CreateAcls .* based on rule DefaultDeny/.test(l)), 'the denial is logged');
    broker.allow('User:alice', AclOperation.ALTER, ResourceType.CLUSTER, 'kafka-cluster');
    const c2 = await alice.request(30, 3, { creations: [creation()] });
    assert.equal(c2.results[0].errorCode, 0);
    const d2 = await alice.request(29, 3, filter());
    assert.equal(d2.errorCode, 0, 'ALTER implies DESCRIBE');
    assert.equal(d2.resources.length, 2);
  });

  it('ACLs are kept in the cluster metadata: a restart finds them', async () => {
    await admin.request(30, 3, { creations: [creation({ resourceName: 'kept' })] });
    admin.close();
    await broker.stop(true);
    broker = await startAuthzBroker({ dataDir: broker.dataDir });
    admin = await broker.connectAs('admin');
    const d = await admin.request(29, 3, filter({ resourceNameFilter: 'kept' }));
    assert.deepEqual(d.resources.map((r) => r.resourceName), ['kept']);
  });
});

describe('ACL APIs without an authorizer', function () {
  this.timeout(30000);
  it("answer SECURITY_DISABLED with Kafka's messages", async () => {
    const broker = await startTestBroker();
    const c = await RawClient.connect(broker.bootstrap);
    try {
      const d = await c.request(29, 3, filter());
      assert.equal(d.errorCode, ErrorCode.SECURITY_DISABLED);
      assert.equal(d.errorMessage, 'No Authorizer is configured on the broker');
      const cr = await c.request(30, 3, { creations: [creation()] });
      assert.equal(cr.results[0].errorCode, ErrorCode.SECURITY_DISABLED);
      assert.equal(cr.results[0].errorMessage, 'No Authorizer is configured.');
      const del = await c.request(31, 3, { filters: [filter()] });
      assert.equal(del.filterResults[0].errorCode, ErrorCode.SECURITY_DISABLED);
    } finally {
      c.close();
      await broker.stop();
    }
  });
});
