/**
 * The ACLs as the extension reaches them (BrokerApi on a real BrokerService, what the tree and the Add/Remove ACL
 * commands call): create, describe with a filter, an aclsChanged event for the views whoever changed them (the API
 * or a client's CreateAcls), all-or-nothing validation, Remove ACL's confirmation, and SECURITY_DISABLED without an
 * authorizer.
 */
import { strict as assert } from 'node:assert';
import type { AclBinding, BrokerEvent } from '../../../src/broker/api';
import { removeAclConfirmation } from '../../../src/commands/confirmations';
import { STANDARD_AUTHORIZER_CLASS } from '../../../src/broker/security/standard-authorizer';
import { AclOperation, ResourceType } from '../../../src/broker/security/acl-operations';
import { PatternType, PermissionType } from '../../../src/broker/security/acl-binding';
import { RawClient } from '../../support/raw-client';
import { startService, TestService } from './webviews-support';

const ANY = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: PermissionType.ANY };
const binding = (o: Partial<AclBinding> = {}): AclBinding => ({ resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation: AclOperation.READ, permissionType: PermissionType.ALLOW, ...o });

describe('ACLs through the broker API (tree and commands)', function () {
  this.timeout(30000);
  let t: TestService;
  const events: BrokerEvent[] = [];
  before(async () => {
    t = await startService({ config: { 'authorizer.class.name': STANDARD_AUTHORIZER_CLASS, 'super.users': 'User:ANONYMOUS' } });
    t.service.onEvent((e) => events.push(e));
  });
  after(async () => t?.stop());

  it('creates, describes with a filter, and tells the views', async () => {
    await t.service.createAcls([binding(), binding({ resourceName: 'ord', patternType: PatternType.PREFIXED, permissionType: PermissionType.DENY, operation: AclOperation.WRITE })]);
    assert.ok(events.some((e) => e.type === 'aclsChanged'));
    const match = await t.service.describeAcls({ ...ANY, resourceType: ResourceType.TOPIC, resourceName: 'orders-eu', patternType: PatternType.MATCH });
    assert.deepEqual(match.map((b) => b.resourceName), ['ord']);
    assert.equal((await t.service.describeAcls(ANY)).length, 2);
  });

  it("a client's CreateAcls reaches the views as well", async () => {
    events.length = 0;
    const c = await RawClient.connect((await t.service.status()).bootstrap);
    try {
      const r = await c.request(30, 3, { creations: [{ resourceType: ResourceType.GROUP, resourceName: 'billing', resourcePatternType: PatternType.LITERAL, principal: 'User:bob', host: '*', operation: AclOperation.READ, permissionType: PermissionType.ALLOW }] });
      assert.equal(r.results[0].errorCode, 0);
    } finally {
      c.close();
    }
    assert.ok(events.some((e) => e.type === 'aclsChanged'));
  });

  it('refuses a form with one invalid binding whole, with the reason', async () => {
    const before = (await t.service.describeAcls(ANY)).length;
    await assert.rejects(t.service.createAcls([binding({ resourceName: 'x' }), binding({ principal: 'alice' })]), (e: Error & { errorName?: string }) => e.errorName === 'INVALID_REQUEST' && /principalType:principalName/.test(e.message));
    assert.equal((await t.service.describeAcls(ANY)).length, before);
  });

  it("Remove ACL: the confirmation says who is affected, and the exact binding goes", async () => {
    const deny = binding({ resourceName: 'ord', patternType: PatternType.PREFIXED, permissionType: PermissionType.DENY, operation: AclOperation.WRITE });
    const c = removeAclConfirmation(deny);
    assert.equal(c.message, "Remove ACL DENY WRITE for User:alice on topic prefix 'ord'?");
    assert.match(c.detail, /no longer denied/);
    assert.equal(removeAclConfirmation(binding()).message, "Remove ACL ALLOW READ for User:alice on topic 'orders'?");
    assert.match(removeAclConfirmation(binding()).detail, /AUTHORIZATION_FAILED/);
    const removed = await t.service.deleteAcls([{ ...deny }]);
    assert.equal(removed.length, 1);
    assert.ok(!(await t.service.describeAcls(ANY)).some((b) => b.permissionType === PermissionType.DENY));
  });

  it('without an authorizer: SECURITY_DISABLED, which the tree takes as "no ACL nodes"', async () => {
    const plain = await startService();
    try {
      await assert.rejects(plain.service.describeAcls(ANY), (e: Error & { errorName?: string }) => e.errorName === 'SECURITY_DISABLED');
    } finally {
      await plain.stop();
    }
  });
});
