/**
 * The crash matrix: a `tributary start` process (1 or 3 nodes, topics of replication factor 1 or 3) takes keyed
 * messages from kafkajs idempotent acks=all producers and is killed with SIGKILL at a random moment while sends are
 * in flight, several times in a row on the same data directory. After each restart, before anything new is
 * produced, every acknowledged message must be there exactly once, in order, below the high watermark:
 *
 * - a consumer (fresh group, from the beginning, read_uncommitted) reads every offset below the high watermark
 *   exactly once (offsets dense from the log start);
 * - every message whose send() resolved is among them, in the partition it was sent to;
 * - no value is stored twice (the idempotent producers' retries are deduplicated);
 * - per producer and partition the sequence carried in the values is 0, 1, 2, ... in offset order (sends are serial,
 *   so a message present after a missing one would be a lost acknowledged message); unacknowledged messages of the
 *   send in flight at the kill may or may not be present;
 * - the sum of the high watermarks (ListOffsets) covers all acknowledged messages.
 *
 * The topic has small segments, so that recovery after a kill spans several segments and producer snapshots.
 *
 * The kill moment comes from a seeded generator: the seed is printed and every failure names the case, trial and
 * seed; CRASH_MATRIX_SEED=<seed> replays the same kill delays and message layout (the timing of the machine is of
 * course not replayed).
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startCliBroker, type CliBroker } from '../support/cli-broker';
import { tmpDir, rm } from '../support/tmp';
import { prng as rng } from '../support/prng';

const TOPIC = 'crash-matrix';
const PARTITIONS = 3;
const KEYS = 12;
const TRIALS = 4;
const PRODUCERS = 2;
/** The kill comes this long after the first acknowledgement of a trial: MIN_KILL_MS + [0, KILL_SPREAD_MS). */
const MIN_KILL_MS = 300;
const KILL_SPREAD_MS = 1200;
/** Messages per send(): 1 + [0, MAX_BATCH). */
const MAX_BATCH = 16;
/** Small segments, so that the logs roll (and write producer snapshots) a few times per trial. */
const SEGMENT_BYTES = 65536;
/** Bounds for waiting (not timing assertions): for the high watermarks to cover the acknowledged messages after the
 * restart (replicated partitions need their followers' first fetches), and for the consumer to read everything. */
const HW_DEADLINE_MS = 30000;
const VERIFY_DEADLINE_MS = 60000;

const SEED = process.env.CRASH_MATRIX_SEED !== undefined ? Number(process.env.CRASH_MATRIX_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;

function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves with the promise's outcome, or undefined after ms; never leaves its timer behind. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function killHard(b: CliBroker): Promise<string> {
  if (b.child.exitCode !== null || b.child.signalCode !== null) return `had already exited (code ${b.child.exitCode}, signal ${b.child.signalCode})`;
  const exited = new Promise<void>((r) => b.child.once('exit', () => r()));
  b.child.kill('SIGKILL');
  await exited;
  return 'killed';
}

/** The broker's warnings, errors and recovery lines, then the last lines of its output (without the lines of the
 * __consumer_offsets partitions being created). */
function brokerLog(text: string, lines = 25): string {
  const all = text.split('\n').filter((l) => l && !/created log __consumer_offsets-/.test(l));
  const notable = all.filter((l) => /\b(WARN|ERROR)\b|recover|truncat|unclean|corrupt/i.test(l)).slice(0, 40);
  return `${notable.length ? `notable lines:\n${notable.join('\n')}\n` : ''}last lines:\n${all.slice(-lines).join('\n')}`;
}

interface ProducerResult {
  tag: string;
  /** Acknowledged count per partition: the acknowledged sequences of a partition are 0 .. n-1. */
  acked: number[];
  /** Sequences handed out per partition (acknowledged or not). */
  sent: number[];
  error?: string;
  /** The error came while the broker was still up (not caused by the kill). */
  errorBeforeKill: boolean;
  disconnectedCleanly: boolean;
}

/**
 * One idempotent producer sending serial batches (one send() in flight at a time) until told to stop or an error.
 * The values are `<tag>-<partition>-<seq>`, seq counting per partition from 0.
 */
function produce(producer: Producer, tag: string, random: () => number, state: { killed: boolean; stopped: boolean }, onAck: () => void): Promise<ProducerResult> {
  const result: ProducerResult = { tag, acked: new Array(PARTITIONS).fill(0), sent: new Array(PARTITIONS).fill(0), errorBeforeKill: false, disconnectedCleanly: false };
  return (async () => {
    while (!state.stopped) {
      const n = 1 + Math.floor(random() * MAX_BATCH);
      const batch: Array<{ partition: number; seq: number }> = [];
      const messages = [];
      for (let i = 0; i < n; i++) {
        const key = Math.floor(random() * KEYS);
        const partition = key % PARTITIONS;
        const seq = result.sent[partition]++;
        batch.push({ partition, seq });
        messages.push({ key: `k${key}`, partition, value: `${tag}-${partition}-${seq}` });
      }
      try {
        await producer.send({ topic: TOPIC, acks: -1, messages });
      } catch (e) {
        result.error = `${(e as Error).name}: ${(e as Error).message}`;
        result.errorBeforeKill = !state.killed;
        break;
      }
      // Serial sends of one producer: a batch's sequences follow the acknowledged ones directly.
      for (const m of batch) result.acked[m.partition] = m.seq + 1;
      onAck();
    }
    // After a kill the disconnect has nobody to talk to: bounded, and its failure ignored.
    const done = await within(
      producer.disconnect().then(
        () => true,
        () => false,
      ),
      3000,
    );
    result.disconnectedCleanly = done === true;
    return result;
  })();
}

interface Consumed {
  offset: number;
  value: string;
}

/** Reads every offset in [low, high) of every partition with a fresh group from the beginning. */
async function consumeAll(kafka: Kafka, groupId: string, low: number[], high: number[]): Promise<{ byPartition: Consumed[][]; redelivered: number; complete: boolean }> {
  const byPartition: Array<Map<number, string>> = Array.from({ length: PARTITIONS }, () => new Map());
  let redelivered = 0;
  const done = () => byPartition.every((m, p) => m.size >= high[p] - low[p]);
  const consumer = kafka.consumer({ groupId, readUncommitted: true, maxWaitTimeInMs: 250, retry: { retries: 10 } });
  let complete: boolean;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    complete = done();
    if (!complete) {
      let finish: () => void = () => {};
      const finished = new Promise<void>((r) => (finish = r));
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const seen = byPartition[batch.partition];
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset >= high[batch.partition]) continue;
            if (seen.has(offset)) redelivered++;
            else seen.set(offset, m.value === null ? '<null>' : m.value.toString());
          }
          if (done()) finish();
        },
      });
      await within(finished, VERIFY_DEADLINE_MS);
      complete = done();
    }
  } finally {
    await within(consumer.disconnect().catch(() => undefined), 5000);
  }
  return {
    byPartition: byPartition.map((m) => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([offset, value]) => ({ offset, value }))),
    redelivered,
    complete,
  };
}

const CASES: Array<{ nodes: number; rf: number }> = [
  { nodes: 1, rf: 1 },
  { nodes: 3, rf: 1 },
  { nodes: 3, rf: 3 },
];

describe('crash matrix: SIGKILL of `tributary start` while idempotent acks=all producers send', function () {
  this.timeout(240000);
  const unhandled: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(String(reason instanceof Error ? reason.stack : reason));

  before(() => {
    console.log(`      crash-matrix seed ${SEED} (replay with CRASH_MATRIX_SEED=${SEED})`);
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  CASES.forEach(({ nodes, rf }, caseIndex) => {
    it(`${nodes} node(s), replication factor ${rf}: ${TRIALS} kills, every acknowledged message exactly once and in order after each restart`, async function () {
      this.timeout(150000);
      const caseName = `nodes=${nodes} rf=${rf}`;
      const dir = tmpDir('crash-matrix-');
      const args = ['--data', dir, '--port', '0', '--nodes', String(nodes), '--config', 'group.initial.rebalance.delay.ms=0'];
      let broker: CliBroker | undefined;
      /** Acknowledged count per producer tag and partition, over all trials of this case. */
      const acked = new Map<string, number[]>();
      let ackedTotal = 0;
      try {
        broker = await startCliBroker(args);
        {
          const admin = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'crash-matrix-setup', logLevel: logLevel.NOTHING }).admin();
          await admin.connect();
          try {
            assert.ok(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: rf, configEntries: [{ name: 'segment.bytes', value: String(SEGMENT_BYTES) }] }] }), `[${caseName}] the topic was created`);
          } finally {
            await admin.disconnect();
          }
        }

        for (let trial = 0; trial < TRIALS; trial++) {
          const trialSeed = mix(SEED, caseIndex, trial);
          const random = rng(trialSeed);
          const killAfterMs = MIN_KILL_MS + Math.floor(random() * KILL_SPREAD_MS);
          const where = `[${caseName}, trial ${trial + 1}/${TRIALS}, seed ${SEED} (CRASH_MATRIX_SEED=${SEED}), kill ${killAfterMs} ms after the first ack]`;
          const unhandledBefore = unhandled.length;

          // Produce on the running broker, then kill it.
          const kafka = new Kafka({
            brokers: broker.bootstrap.split(','),
            clientId: `crash-matrix-t${trial}`,
            logLevel: logLevel.NOTHING,
            connectionTimeout: 2000,
            retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 },
          });
          const producers: Producer[] = [];
          for (let p = 0; p < PRODUCERS; p++) {
            const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 } });
            await producer.connect();
            producers.push(producer);
          }
          const state = { killed: false, stopped: false };
          let firstAck: () => void = () => {};
          const firstAcked = new Promise<void>((r) => (firstAck = r));
          const running = producers.map((producer, p) => produce(producer, `t${trial}p${p}`, rng(mix(trialSeed, p + 1)), state, firstAck));
          const allDone = Promise.all(running);
          await Promise.race([firstAcked, allDone]);
          await Promise.race([sleep(killAfterMs), allDone]);
          const killed: CliBroker = broker;
          state.killed = true;
          const kill = await killHard(killed);
          broker = undefined;
          state.stopped = true;
          const results = await allDone;
          const killedOutput: string = killed.output();
          assert.equal(kill, 'killed', `${where} the broker was not running any more at the kill: it ${kill}\n${brokerLog(killedOutput)}`);

          let trialAcked = 0;
          for (const r of results) {
            acked.set(r.tag, r.acked);
            trialAcked += r.acked.reduce((s, n) => s + n, 0);
          }
          ackedTotal += trialAcked;
          const early = results.filter((r) => r.errorBeforeKill);
          const inFlight = results.filter((r) => r.sent.some((s, p) => s > r.acked[p])).length;

          // Restart on the same directory and look before producing anything.
          broker = await startCliBroker(args);
          const restarted: CliBroker = broker;
          const after = new Kafka({ brokers: broker.bootstrap.split(','), clientId: `crash-matrix-verify-t${trial}`, logLevel: logLevel.NOTHING });
          const admin = after.admin();
          await admin.connect();
          let low: number[] = [];
          let high: number[] = [];
          let offsets: Array<{ partition: number; offset: string; high: string; low: string }> = [];
          try {
            // The high watermark of a replicated partition may need the followers' first fetches after the start.
            const deadline = Date.now() + HW_DEADLINE_MS;
            for (;;) {
              offsets = await admin.fetchTopicOffsets(TOPIC);
              low = new Array(PARTITIONS).fill(0);
              high = new Array(PARTITIONS).fill(0);
              for (const o of offsets) {
                low[o.partition] = Number(o.low);
                high[o.partition] = Number(o.high);
              }
              if (high.reduce((s, h) => s + h, 0) >= ackedTotal || Date.now() > deadline) break;
              await sleep(200);
            }
          } finally {
            await admin.disconnect();
          }
          const hwTotal = high.reduce((s, h) => s + h, 0);
          const logs = () => `\n--- broker output before the kill ---\n${brokerLog(killedOutput)}\n--- broker output after the restart ---\n${brokerLog(restarted.output())}`;
          const ackedSummary = () => [...acked.entries()].map(([tag, a]) => `${tag}:[${a.join(',')}]`).join(' ');
          const problems: string[] = [];
          // Reported with what the consumer finds below the high watermarks, which names the missing messages.
          if (hwTotal < ackedTotal) problems.push(`high watermarks ${JSON.stringify(offsets)} (sum ${hwTotal}) do not cover the ${ackedTotal} acknowledged messages (waited up to ${HW_DEADLINE_MS} ms)`);

          const consumed = await consumeAll(after, `crash-matrix-${nodes}-${rf}-${trial}-${SEED}`, low, high);
          if (!consumed.complete)
            problems.push(`the consumer did not get every offset below the high watermarks within ${VERIFY_DEADLINE_MS} ms: got ${consumed.byPartition.map((c, p) => `p${p} ${c.length}/${high[p] - low[p]}`).join(', ')}`);
          const valueAt = new Map<string, string>(); // value -> partition@offset
          /** tag -> partition -> the sequences read, in offset order. */
          const seqs = new Map<string, number[][]>();
          consumed.byPartition.forEach((records, p) => {
            records.forEach((r, i) => {
              if (r.offset !== low[p] + i && problems.length < 50) problems.push(`p${p}: offset ${low[p] + i} missing below the high watermark ${high[p]} (next read: ${r.offset})`);
              const prev = valueAt.get(r.value);
              if (prev !== undefined) {
                problems.push(`duplicate: ${r.value} at ${prev} and p${p}@${r.offset}`);
                return;
              }
              valueAt.set(r.value, `p${p}@${r.offset}`);
              const m = /^(t\d+p\d+)-(\d+)-(\d+)$/.exec(r.value);
              if (!m) {
                problems.push(`p${p}@${r.offset}: unexpected value ${JSON.stringify(r.value)}`);
                return;
              }
              const [, tag, partition, seq] = m;
              if (Number(partition) !== p) problems.push(`${r.value} was sent to partition ${partition} but read from p${p}@${r.offset}`);
              if (!seqs.has(tag)) seqs.set(tag, Array.from({ length: PARTITIONS }, () => []));
              seqs.get(tag)![p].push(Number(seq));
            });
          });
          for (const [tag, perPartition] of seqs) {
            if (!acked.has(tag)) problems.push(`${tag}: values of a producer that never ran`);
            perPartition.forEach((list, p) => {
              const bad = list.findIndex((s, i) => s !== i);
              if (bad >= 0) problems.push(`${tag} p${p}: sequence not 0,1,2,... in offset order: at index ${bad} read ${list[bad]} (around: ${list.slice(Math.max(0, bad - 3), bad + 4).join(',')})`);
            });
          }
          for (const [tag, perPartition] of acked) {
            perPartition.forEach((n, p) => {
              const read = seqs.get(tag)?.[p] ?? [];
              const present = new Set(read);
              let missing = 0;
              let firstMissing = -1;
              for (let s = 0; s < n; s++)
                if (!present.has(s)) {
                  missing++;
                  if (firstMissing < 0) firstMissing = s;
                }
              if (missing) problems.push(`${tag} p${p}: ${missing} of ${n} acknowledged messages missing, the first ${tag}-${p}-${firstMissing} (read ${read.length})`);
            });
          }
          if (consumed.redelivered) console.log(`      ${where} note: the consumer got ${consumed.redelivered} offsets twice (client redelivery, not counted as duplicates)`);
          const consumedTotal = consumed.byPartition.reduce((s, c) => s + c.length, 0);
          const newUnhandled = unhandled.slice(unhandledBefore);
          if (newUnhandled.length) problems.push(`unhandled rejections: ${newUnhandled.join('\n')}`);

          console.log(
            `      ${caseName} trial ${trial + 1}: kill ${killAfterMs} ms after the first ack; acknowledged ${trialAcked} (case total ${ackedTotal}); ` +
              `${inFlight}/${PRODUCERS} producer(s) had a send in flight; read ${consumedTotal}, high watermarks ${high.join('/')} (sum ${hwTotal})` +
              (early.length ? `; producer errors before the kill: ${early.map((r) => `${r.tag} ${r.error}`).join('; ')}` : '') +
              (results.some((r) => !r.disconnectedCleanly) ? `; ${results.filter((r) => !r.disconnectedCleanly).length} producer disconnect(s) timed out` : ''),
          );
          assert.deepEqual(problems, [], `${where} ${problems.length} problem(s):\n  ${problems.slice(0, 30).join('\n  ')}\nacknowledged per producer and partition: ${ackedSummary()}${logs()}`);
        }
      } finally {
        await broker?.stop();
        rm(dir);
      }
    });
  });
});
