/**
 * Idempotent producers against the real broker: kafkajs, confluent-kafka-python (librdkafka) and kcat with
 * idempotence on write every message exactly once, in order; a produce request re-sent byte for byte is
 * acknowledged with the original offset and stored once; producer ids are unique and never reused across restarts.
 */
import type { LogAppendInfo } from '../../src/broker/storage/log';
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import type { Cluster } from '../../src/broker/cluster';
import { Reader, Writer, readResponseHeader, writeRequestHeader } from '../../src/protocol/codec';
import { getApiCodec, requestHeaderVersion, responseHeaderVersion, type ApiMessageTypes } from '../../src/protocol/messages';
import { encodeRecordBatch, decodeRecords } from '../../src/broker/records/record-batch';
import { BatchHeader, LOG_OVERHEAD, readBatchHeader } from '../../src/broker/records/batch-header';
import { ErrorCode, KafkaError } from '../../src/broker/errors';

const PYTHON = '/usr/bin/python3';
const KCAT = '/usr/bin/kcat';

function haveConfluentKafka(): boolean {
  return spawnSync(PYTHON, ['-c', 'import confluent_kafka'], { encoding: 'utf8' }).status === 0;
}
function haveKcat(): boolean {
  return spawnSync(KCAT, ['-V'], { encoding: 'utf8' }).status === 0;
}

/** Runs a command to its end, feeding `input`; rejects unless it exits 0. */
function runOk(cmd: string, args: string[], input = '', timeoutMs = 8000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} exited with ${code ?? signal}\nstderr: ${Buffer.concat(err).toString('utf8').slice(-3000)}\nstdout: ${stdout.slice(-1000)}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

interface Stored {
  header: BatchHeader;
  values: string[];
}

/** Every batch of the partition as the leader stored it, with its record values. */
function storedBatches(cluster: Cluster, topic: string, partition = 0): Stored[] {
  const log = cluster.leaderLog(topic, partition);
  const out: Stored[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 8 << 20, 'logEnd');
    if (records.length === 0) break;
    let pos = 0;
    while (pos < records.length) {
      const h = readBatchHeader(records, pos);
      out.push({ header: h, values: decodeRecords(records, pos).map((r) => r.value!.toString()) });
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += h.batchLength + LOG_OVERHEAD;
    }
  }
  return out;
}

/** The batches carry one producer id with consecutive sequences: the client really produced idempotently. */
function assertIdempotentBatches(batches: Stored[]): void {
  assert.ok(batches.length > 0);
  const pid = batches[0].header.producerId;
  assert.ok(pid >= 0, `batches carry producer id ${pid}`);
  let nextSeq = 0;
  for (const b of batches) {
    assert.equal(b.header.producerId, pid);
    assert.equal(b.header.baseSequence, nextSeq, `batch at ${b.header.baseOffset} has sequence ${b.header.baseSequence}, expected ${nextSeq}`);
    nextSeq += b.header.recordCount;
  }
}

/** One connection, one request at a time: enough to drive Produce and InitProducerId by hand. */
class WireClient {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void) | undefined;
  private correlationId = 1;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      if (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const frame = this.buffered.subarray(4, 4 + this.buffered.readInt32BE(0));
        this.buffered = this.buffered.subarray(4 + frame.length);
        const w = this.waiting;
        this.waiting = undefined;
        w?.(frame);
      }
    });
  }

  static connect(bootstrap: string): Promise<WireClient> {
    const [host, port] = bootstrap.split(',')[0].split(':');
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port: Number(port) }, () => resolve(new WireClient(s)));
      s.once('error', reject);
    });
  }

  request<K extends keyof ApiMessageTypes>(apiKey: K, version: number, data: ApiMessageTypes[K]['request']): Promise<ApiMessageTypes[K]['response']> {
    const codec = getApiCodec(apiKey)!;
    const w = new Writer();
    const size = w.beginSizePrefix();
    const correlationId = this.correlationId++;
    writeRequestHeader(w, requestHeaderVersion(apiKey, version), { apiKey, apiVersion: version, correlationId, clientId: 'idempotent-test' });
    codec.encodeRequest(w, version, data);
    w.endSizePrefix(size);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to api ${apiKey}`)), 5000);
      this.waiting = (frame) => {
        clearTimeout(timer);
        const r = new Reader(frame);
        const header = readResponseHeader(r, responseHeaderVersion(apiKey, version));
        if (header.correlationId !== correlationId) reject(new Error(`correlation id ${header.correlationId}, expected ${correlationId}`));
        else resolve(codec.decodeResponse(r, version) as ApiMessageTypes[K]['response']);
      };
      this.socket.write(w.toBuffer());
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function initProducerId(c: WireClient, version = 4, transactionalId: string | null = null, producerId = -1, producerEpoch = -1) {
  return c.request(22, version, { transactionalId, transactionTimeoutMs: 60000, producerId, producerEpoch });
}

function produce(c: WireClient, topic: string, records: Buffer) {
  return c.request(0, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
}

/**
 * Makes some appends fail after they were written, as Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND does: the data is in
 * the log, the producer hears an error and retries the same batch. Without duplicate detection it would be stored
 * twice. Fails every `every`-th append, `times` times.
 */
function loseSomeAcks(cluster: Cluster, every: number, times: number): { failed: () => number } {
  const append = cluster.append.bind(cluster);
  const produce = cluster.produce.bind(cluster);
  let calls = 0;
  let failed = 0;
  const maybeLose = (info: LogAppendInfo): LogAppendInfo => {
    if (++calls % every === 0 && failed < times && !info.duplicate) {
      failed++;
      throw new KafkaError('NOT_ENOUGH_REPLICAS_AFTER_APPEND', 'test: written, but the acknowledgement is lost');
    }
    return info;
  };
  // acks=1 appends go through append(), acks=all through produce(): lose some of either.
  cluster.append = (topic: string, partition: number, records: Buffer) => maybeLose(append(topic, partition, records));
  cluster.produce = async (topic: string, partition: number, records: Buffer, acks: number, timeoutMs: number) => maybeLose(await produce(topic, partition, records, acks, timeoutMs));
  return { failed: () => failed };
}

describe('idempotent producers (compat)', function () {
  this.timeout(10000);
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('kafkajs with idempotent: true writes every message exactly once, in order, even when acknowledgements are lost', async () => {
    broker.cluster.createTopic('kjs', 1, 1);
    const faults = loseSomeAcks(broker.cluster, 3, 4);
    const kafka = new Kafka({ clientId: 'idem', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 5 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const N = 300;
    for (let i = 0; i < N; i += 25) {
      const acks = await producer.send({
        topic: 'kjs',
        acks: -1,
        messages: Array.from({ length: 25 }, (_, j) => ({ key: `k${i + j}`, value: `v${i + j}`, partition: 0 })),
      });
      assert.equal(acks[0].errorCode, 0);
      assert.equal(acks[0].baseOffset, String(i));
    }
    await producer.disconnect();
    assert.equal(faults.failed(), 4, 'acknowledgements were lost and the batches retried');
    const batches = storedBatches(broker.cluster, 'kjs');
    assertIdempotentBatches(batches);
    assert.deepEqual(
      batches.flatMap((b) => b.values),
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
  });

  it('confluent-kafka-python with enable.idempotence writes every message exactly once, in order, even when acknowledgements are lost', async function () {
    if (!haveConfluentKafka()) this.skip();
    broker.cluster.createTopic('py', 1, 1);
    const faults = loseSomeAcks(broker.cluster, 2, 3);
    const N = 500;
    const script = `
import json, sys
from confluent_kafka import Producer
bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'linger.ms': 2, 'batch.num.messages': 37, 'retry.backoff.ms': 20})
acks, errors = [], []
def done(err, msg):
    if err is not None: errors.append(str(err))
    else: acks.append(msg.offset())
for i in range(n):
    p.produce(topic, value=('v%d' % i).encode(), key=('k%d' % i).encode(), partition=0, on_delivery=done)
    p.poll(0)
left = p.flush(8)
print(json.dumps({'acks': acks, 'errors': errors, 'left': left}))
`;
    const out = JSON.parse(await runOk(PYTHON, ['-c', script, broker.bootstrap, 'py', String(N)])) as { acks: number[]; errors: string[]; left: number };
    assert.deepEqual(out.errors, []);
    assert.equal(out.left, 0);
    assert.deepEqual(out.acks, Array.from({ length: N }, (_, i) => i));
    assert.equal(faults.failed(), 3, 'acknowledgements were lost and the batches retried');
    const batches = storedBatches(broker.cluster, 'py');
    assert.ok(batches.length > 1, 'several batches');
    assertIdempotentBatches(batches);
    assert.deepEqual(
      batches.flatMap((b) => b.values),
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
  });

  it('kcat with enable.idempotence=true writes every message exactly once, in order', async function () {
    if (!haveKcat()) this.skip();
    broker.cluster.createTopic('kc', 1, 1);
    const N = 200;
    const input = Array.from({ length: N }, (_, i) => `v${i}`).join('\n') + '\n';
    await runOk(KCAT, ['-P', '-b', broker.bootstrap, '-t', 'kc', '-p', '0', '-X', 'enable.idempotence=true', '-X', 'batch.num.messages=50'], input);
    const batches = storedBatches(broker.cluster, 'kc');
    assertIdempotentBatches(batches);
    assert.deepEqual(
      batches.flatMap((b) => b.values),
      Array.from({ length: N }, (_, i) => `v${i}`),
    );
  });

  it('a produce request re-sent with the same producer id, epoch and sequence gets the same base offset and is stored once', async () => {
    broker.cluster.createTopic('dup', 1, 1);
    const c = await WireClient.connect(broker.bootstrap);
    try {
      const init = await initProducerId(c);
      assert.equal(init.errorCode, ErrorCode.NONE);
      assert.ok(init.producerId >= 0);
      assert.equal(init.producerEpoch, 0);
      const batch = (seq: number, values: string[]) =>
        encodeRecordBatch({ producerId: init.producerId, producerEpoch: 0, baseSequence: seq, records: values.map((v) => ({ key: null, value: Buffer.from(v) })) });

      const other = await produce(c, 'dup', encodeRecordBatch({ records: [{ key: null, value: Buffer.from('plain') }] }));
      assert.equal(other.responses[0].partitionResponses[0].baseOffset, 0);
      const first = await produce(c, 'dup', batch(0, ['a', 'b', 'c']));
      const again = await produce(c, 'dup', batch(0, ['a', 'b', 'c']));
      for (const r of [first, again]) {
        assert.equal(r.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
        assert.equal(r.responses[0].partitionResponses[0].baseOffset, 1);
      }
      const next = await produce(c, 'dup', batch(3, ['d']));
      assert.equal(next.responses[0].partitionResponses[0].baseOffset, 4);
      const gap = await produce(c, 'dup', batch(9, ['x']));
      assert.equal(gap.responses[0].partitionResponses[0].errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      assert.equal(gap.responses[0].partitionResponses[0].baseOffset, -1);
      assert.deepEqual(
        storedBatches(broker.cluster, 'dup').flatMap((b) => b.values),
        ['plain', 'a', 'b', 'c', 'd'],
      );
    } finally {
      c.close();
    }
  });

  it('InitProducerId hands out unique ids, never reused after a restart; transactional ids are not supported yet', async () => {
    let c = await WireClient.connect(broker.bootstrap);
    const ids: number[] = [];
    try {
      for (const v of [0, 1, 2, 3, 4, 5]) {
        const r = await initProducerId(c, v);
        assert.equal(r.errorCode, ErrorCode.NONE, `v${v}`);
        assert.equal(r.producerEpoch, 0);
        ids.push(r.producerId);
      }
      // A non-transactional producer naming its id and epoch still gets a new id (Kafka's TransactionCoordinator).
      const bump = await initProducerId(c, 4, null, ids[0], 0);
      assert.equal(bump.errorCode, ErrorCode.NONE);
      ids.push(bump.producerId);
      assert.equal((await initProducerId(c, 4, null, ids[0], -1)).errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal((await initProducerId(c, 4, '')).errorCode, ErrorCode.INVALID_REQUEST);
      const txn = await initProducerId(c, 4, 'my-txn');
      assert.deepEqual([txn.errorCode, txn.producerId, txn.producerEpoch], [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, -1]);
    } finally {
      c.close();
    }
    assert.equal(new Set(ids).size, ids.length);

    const dataDir = broker.dataDir;
    await broker.stop(true);
    broker = await startTestBroker({ dataDir });
    c = await WireClient.connect(broker.bootstrap);
    try {
      const after = await initProducerId(c);
      assert.equal(after.errorCode, ErrorCode.NONE);
      assert.ok(after.producerId > Math.max(...ids), `id ${after.producerId} after a restart is above every earlier one (${Math.max(...ids)})`);
    } finally {
      c.close();
    }
  });

  it('a producer keeps its exactly-once guarantee across a broker restart (state from the snapshot)', async () => {
    broker.cluster.createTopic('restart', 1, 1);
    let c = await WireClient.connect(broker.bootstrap);
    const init = await initProducerId(c);
    const batch = (seq: number, v: string) => encodeRecordBatch({ producerId: init.producerId, producerEpoch: 0, baseSequence: seq, records: [{ key: null, value: Buffer.from(v) }] });
    assert.equal((await produce(c, 'restart', batch(0, 'one'))).responses[0].partitionResponses[0].baseOffset, 0);
    assert.equal((await produce(c, 'restart', batch(1, 'two'))).responses[0].partitionResponses[0].baseOffset, 1);
    c.close();
    const dataDir = broker.dataDir;
    await broker.stop(true);
    broker = await startTestBroker({ dataDir });
    c = await WireClient.connect(broker.bootstrap);
    try {
      const retry = await produce(c, 'restart', batch(1, 'two'));
      assert.deepEqual([retry.responses[0].partitionResponses[0].errorCode, retry.responses[0].partitionResponses[0].baseOffset], [ErrorCode.NONE, 1]);
      assert.equal((await produce(c, 'restart', batch(2, 'three'))).responses[0].partitionResponses[0].baseOffset, 2);
      assert.deepEqual(
        storedBatches(broker.cluster, 'restart').flatMap((b) => b.values),
        ['one', 'two', 'three'],
      );
    } finally {
      c.close();
    }
  });
});
