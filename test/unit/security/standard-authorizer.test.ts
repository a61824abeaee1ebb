// Kafka's StandardAuthorizer semantics, rule by rule: super users, literal/wildcard/prefixed patterns, DENY over
// ALLOW, the ALLOW-only implications (DESCRIBE, DESCRIBE_CONFIGS), principal and host wildcards,
// allow.everyone.if.no.acl.found, authorizeByResourceType, authorized operations, and the binding filters.
import { strict as assert } from 'node:assert';
import { StandardAuthorizer, parseSuperUsers, type StoredAcl } from '../../../src/broker/security/standard-authorizer';
import { AclOperation as Op, ResourceType as R } from '../../../src/broker/security/acl-operations';
import { PatternType as P, PermissionType as Perm, filterMatches, type AclBinding, type AclBindingFilter } from '../../../src/broker/security/acl-binding';

class Store {
  list: StoredAcl[] = [];
  acls() {
    return this.list;
  }
  replaceAcls(a: StoredAcl[]) {
    this.list = a;
  }
}

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(o: Partial<AclBinding>): AclBinding {
  return { resourceType: R.TOPIC, resourceName: 'orders', patternType: P.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...o };
}

function authorizer(acls: AclBinding[], config: { superUsers?: string; allowEveryone?: boolean } = {}) {
  const a = new StandardAuthorizer(new Store(), { superUsers: parseSuperUsers(config.superUsers), allowEveryoneIfNoAclFound: config.allowEveryone ?? false });
  const results = a.createAcls(acls);
  assert.ok(results.every((r) => !r.error), JSON.stringify(results));
  return a;
}

describe('StandardAuthorizer', () => {
  it('denies by default, allows super users whatever the ACLs say', () => {
    const a = authorizer([acl({ permissionType: Perm.DENY, operation: Op.ALL, principal: 'User:*' })], { superUsers: ' User:admin ; User:ops' });
    assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'other'), false);
    assert.equal(a.decide(alice, Op.READ, R.TOPIC, 'other').rule.kind, 'DefaultDeny');
    assert.equal(a.authorize({ principal: 'User:admin', host: '1.1.1.1' }, Op.READ, R.TOPIC, 'orders'), true);
    assert.equal(a.authorize({ principal: 'User:ops', host: '1.1.1.1' }, Op.ALTER, R.CLUSTER, 'kafka-cluster'), true);
  });

  it('literal, wildcard and prefixed patterns', () => {
    const a = authorizer([acl({}), acl({ resourceName: '*', operation: Op.WRITE }), acl({ resourceName: 'pay', patternType: P.PREFIXED, operation: Op.DELETE })]);
    assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), true);
    assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders2'), false, 'a literal name is not a prefix');
    assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'anything'), true, 'the literal wildcard');
    assert.equal(a.authorize(alice, Op.DELETE, R.TOPIC, 'payments'), true);
    assert.equal(a.authorize(alice, Op.DELETE, R.TOPIC, 'pa'), false);
    assert.equal(a.authorize(alice, Op.READ, R.GROUP, 'orders'), false, 'another resource type');
  });

  it('DENY wins over ALLOW wherever it comes from', () => {
    const a = authorizer([acl({ operation: Op.ALL }), acl({ resourceName: 'ord', patternType: P.PREFIXED, permissionType: Perm.DENY, operation: Op.WRITE })]);
    assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), true);
    assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'orders'), false);
    const d = a.decide(alice, Op.WRITE, R.TOPIC, 'orders');
    assert.equal(d.rule.kind === 'MatchingAcl' && d.rule.acl.permissionType, Perm.DENY);
  });

  it('ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; DENY implies nothing', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) assert.equal(authorizer([acl({ operation: op })]).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), true, `op ${op}`);
    assert.equal(authorizer([acl({ operation: Op.CREATE })]).authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), false);
    assert.equal(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.DESCRIBE_CONFIGS, R.TOPIC, 'orders'), true);
    assert.equal(authorizer([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.ALTER, R.TOPIC, 'orders'), false);
    const denyRead = authorizer([acl({ operation: Op.ALL }), acl({ operation: Op.READ, permissionType: Perm.DENY })]);
    assert.equal(denyRead.authorize(alice, Op.DESCRIBE, R.TOPIC, 'orders'), true, 'a DENY of READ does not deny DESCRIBE');
    assert.equal(denyRead.authorize(alice, Op.READ, R.TOPIC, 'orders'), false);
  });

  it('principal and host wildcards; other principals and hosts are not matched', () => {
    const a = authorizer([acl({ principal: 'User:*' }), acl({ operation: Op.WRITE, host: '10.0.0.1' })]);
    assert.equal(a.authorize(bob, Op.READ, R.TOPIC, 'orders'), true);
    assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'orders'), true);
    assert.equal(a.authorize({ ...alice, host: '10.0.0.9' }, Op.WRITE, R.TOPIC, 'orders'), false);
    assert.equal(a.authorize(bob, Op.WRITE, R.TOPIC, 'orders'), false);
  });

  it('allow.everyone.if.no.acl.found applies to resources no ACL is about, whoever the ACL names', () => {
    const a = authorizer([acl({ principal: 'User:bob' })], { allowEveryone: true });
    assert.equal(a.authorize(alice, Op.WRITE, R.TOPIC, 'free'), true);
    assert.equal(a.decide(alice, Op.WRITE, R.TOPIC, 'free').rule.kind, 'DefaultAllow');
    assert.equal(a.authorize(alice, Op.READ, R.TOPIC, 'orders'), false, "bob's ACL makes orders a resource with ACLs");
  });

  it('authorizeByResourceType: an ALLOW on some resource not covered by a DENY', () => {
    assert.equal(authorizer([acl({ operation: Op.WRITE })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), true);
    assert.equal(authorizer([acl({ operation: Op.READ })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), false);
    assert.equal(authorizer([acl({ operation: Op.WRITE }), acl({ operation: Op.WRITE, permissionType: Perm.DENY, resourceName: 'or', patternType: P.PREFIXED })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), false);
    assert.equal(authorizer([acl({ operation: Op.WRITE, resourceName: 'x', patternType: P.PREFIXED }), acl({ operation: Op.WRITE, permissionType: Perm.DENY, resourceName: 'xy', patternType: P.PREFIXED })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), true);
    assert.equal(authorizer([acl({ operation: Op.WRITE }), acl({ operation: Op.WRITE, permissionType: Perm.DENY, resourceName: '*' })]).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), false);
    assert.equal(authorizer([], { superUsers: 'User:alice' }).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), true);
    assert.equal(authorizer([], { allowEveryone: true }).authorizeByResourceType(alice, Op.WRITE, R.TOPIC), true);
  });

  it('authorized operations: the supported operations of the type the session may perform', () => {
    const a = authorizer([acl({ resourceType: R.CLUSTER, resourceName: 'kafka-cluster', operation: Op.ALTER })]);
    assert.deepEqual(a.authorizedOperations(alice, R.CLUSTER, 'kafka-cluster'), [Op.ALTER, Op.DESCRIBE]);
    assert.deepEqual(authorizer([acl({})]).authorizedOperations(alice, R.TOPIC, 'orders'), [Op.READ, Op.DESCRIBE]);
  });

  it('deleteAcls removes every match of every filter at once; createAcls keeps one copy', () => {
    const a = authorizer([acl({}), acl({}), acl({ principal: 'User:bob' }), acl({ resourceName: 'x' })]);
    assert.equal(a.allAcls().length, 3);
    const any: AclBindingFilter = { resourceType: R.ANY, resourceName: null, patternType: P.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY };
    const [r1, r2] = a.deleteAcls([{ ...any, principal: 'User:bob' }, { ...any, resourceName: 'orders' }]);
    assert.equal(r1.deleted.length, 1);
    assert.equal(r2.deleted.length, 2, 'filters see the ACLs as they were before the request');
    assert.deepEqual(a.allAcls().map((x) => x.resourceName), ['x']);
  });
});

describe('ACL binding filters (Kafka ResourcePatternFilter / AccessControlEntryFilter)', () => {
  const any: AclBindingFilter = { resourceType: R.ANY, resourceName: null, patternType: P.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY };
  it('MATCH selects the ACLs that apply to a name; ANY and exact pattern types compare names', () => {
    const lit = acl({});
    const wild = acl({ resourceName: '*' });
    const pre = acl({ resourceName: 'ord', patternType: P.PREFIXED });
    const match = { ...any, resourceName: 'orders', patternType: P.MATCH };
    assert.deepEqual([lit, wild, pre].map((b) => filterMatches(match, b)), [true, true, true]);
    assert.deepEqual([lit, wild, pre].map((b) => filterMatches({ ...match, resourceName: 'o' }, b)), [false, true, false]);
    assert.deepEqual([lit, wild, pre].map((b) => filterMatches({ ...any, resourceName: 'orders' }, b)), [true, false, false]);
    assert.deepEqual([lit, wild, pre].map((b) => filterMatches({ ...any, patternType: P.PREFIXED }, b)), [false, false, true]);
    assert.equal(filterMatches({ ...any, principal: 'User:bob' }, lit), false);
    assert.equal(filterMatches({ ...any, operation: Op.WRITE }, lit), false);
    assert.equal(filterMatches({ ...any, permissionType: Perm.DENY }, lit), false);
    assert.equal(filterMatches({ ...any, resourceType: R.GROUP }, lit), false);
  });
});
