/**
 * Transactions with librdkafka 2.0.2 (confluent-kafka-python) against the real broker (3 virtual nodes): a
 * transactional producer commits and aborts (init_transactions, begin/commit/abort_transaction), read_committed
 * consumers get only committed records (librdkafka drops the aborted ones by the Fetch's aborted-transactions list),
 * read_uncommitted consumers get both, and send_offsets_to_transaction commits the group's offsets with the transaction.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { startTestBroker, TestBroker } from '../support/broker';
import { haveConfluentKafka, PYTHON, run } from './helpers';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'test', 'compat', 'py', 'transactions.py');

async function txnScript(bootstrap: string, spec: unknown): Promise<Array<Record<string, unknown>>> {
  const r = await run(PYTHON, [SCRIPT, bootstrap, JSON.stringify(spec)], { timeoutMs: 60000 });
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const error = lines.find((l) => 'error' in l);
  if (error || r.code !== 0 || !lines.some((l) => l.done)) throw new Error(`transactions.py failed (exit ${r.code ?? r.signal}): ${String(error?.error ?? 'no result')}\nstderr: ${r.stderr.slice(-3000)}`);
  return lines;
}

describe('compat: librdkafka transactions (confluent-kafka-python)', function () {
  this.timeout(90000);
  let broker: TestBroker;

  before(async function () {
    if (!haveConfluentKafka()) this.skip();
    broker = await startTestBroker({ nodes: 3 });
  });
  after(async () => {
    await broker?.stop();
  });

  it('commits and aborts; read_committed consumers get only the committed records, read_uncommitted all of them', async () => {
    broker.cluster.createTopic('rdk-txn', 2, 3);
    const produced = await txnScript(broker.bootstrap, {
      produce: {
        transactional_id: 'rdk-tx',
        topic: 'rdk-txn',
        transactions: [
          { values: ['c1', 'c2', 'c3'], commit: true },
          { values: ['a1', 'a2'], commit: false },
          { values: ['c4'], commit: true },
        ],
      },
    });
    assert.deepEqual(produced.filter((l) => !('done' in l)), [{ committed: 0 }, { aborted: 1 }, { committed: 2 }]);
    const committed = await txnScript(broker.bootstrap, { consume: { topic: 'rdk-txn', isolation: 'read_committed', partitions: 2 } });
    assert.deepEqual(((committed[0].values as string[]) ?? []).sort(), ['c1', 'c2', 'c3', 'c4']);
    const all = await txnScript(broker.bootstrap, { consume: { topic: 'rdk-txn', isolation: 'read_uncommitted', partitions: 2 } });
    assert.deepEqual(((all[0].values as string[]) ?? []).sort(), ['a1', 'a2', 'c1', 'c2', 'c3', 'c4']);
    // The ABORT markers went to every partition of the aborted transaction, and their .txnindex has it.
    const aborted = [0, 1].flatMap((p) => broker.cluster.leaderLog('rdk-txn', p).collectAbortedTransactions(0, Number.MAX_SAFE_INTEGER));
    assert.ok(aborted.length >= 1);
    assert.ok(aborted.every((t) => t.producerId === broker.cluster.transactionCoordinator.transaction('rdk-tx')!.producerId));
  });

  it('send_offsets_to_transaction: the group offset is committed by the transaction', async () => {
    broker.cluster.createTopic('rdk-in', 1, 3);
    broker.cluster.createTopic('rdk-out', 1, 3);
    await txnScript(broker.bootstrap, {
      produce: { transactional_id: 'rdk-ctp', topic: 'rdk-out', transactions: [{ values: ['out-1'], commit: true }], offsets: { group: 'rdk-group', topic: 'rdk-in', partition: 0, offset: 17 } },
    });
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets('rdk-group', [{ topic: 'rdk-in', partition: 0 }]).map((o) => o.offset), [17]);
  });
});
