// The sidebar's nodes for a consumer protocol (KIP-848) group: its type and epoch, each member's epoch and what it
// is giving up or waiting for, and those partitions under the member.
import { strict as assert } from 'node:assert';
import { assignmentNodes, groupNode, memberNode } from '../../../src/views/tree-nodes';
import type { GroupMemberView, GroupSummary } from '../../../src/broker/api';
import { GROUP_CONSUMER } from '../../webview/fixtures/canned';

const summary: GroupSummary = { groupId: 'g848', type: 'consumer', state: 'Reconciling', groupEpoch: 7, assignmentEpoch: 7, protocolType: 'consumer', protocol: 'uniform', members: 2, coordinator: 1, totalLag: 0, uncommitted: 0, topics: ['orders'] };

// The canned group of the webview tests: billing-1 gives orders-1 up, billing-3 waits for it.
const [giving, waiting]: GroupMemberView[] = GROUP_CONSUMER.members;

describe('tree nodes of a consumer protocol group', () => {
  it('the group says it is a consumer protocol group, with its epoch', () => {
    const n = groupNode(summary);
    assert.equal(n.description, 'lag 0 · Reconciling · 2 members · consumer protocol, epoch 7 · uniform');
    assert.match(String(n.tooltip), /Consumer group protocol \(KIP-848\), assignor uniform\nGroup epoch 7, assignment epoch 7/);
    assert.ok(n.color, 'Reconciling is coloured like a rebalance');
  });

  it('a member shows its epoch and what it gives up or waits for', () => {
    assert.equal(memberNode('g848', giving).description, '/127.0.0.1 · 1 partition · epoch 6 · classic protocol · revoking 1', 'a classic consumer in the group');
    assert.match(String(memberNode('g848', giving).tooltip), /Speaks the classic protocol/);
    assert.equal(memberNode('g848', waiting).description, '/127.0.0.1 · 1 partition · epoch 7 · waiting for 1');
    assert.equal(memberNode('g848', waiting).collapsible, 'collapsed', 'something to show: the partition it waits for');
    assert.match(String(memberNode('g848', waiting).tooltip), /Still to receive \(another member has them\): orders \[1\]\nSubscribes: no topic by name, pattern orders\|payments/);
    assert.equal(memberNode('g848', { ...giving, consumer: { ...giving.consumer!, memberEpoch: -2 } }).description, '/127.0.0.1 · 1 partition · left, coming back (static) · classic protocol · revoking 1');
  });

  it('under a member: its partitions, those it gives up and those it waits for', () => {
    assert.deepEqual(assignmentNodes('g848', giving).map((n) => [n.label, n.description]), [['orders-0', undefined], ['orders-1', 'revoking']]);
    assert.deepEqual(assignmentNodes('g848', waiting).map((n) => [n.label, n.description]), [['orders-2', undefined], ['orders-1', 'to receive']]);
  });
});
