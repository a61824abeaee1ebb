/**
 * Group settle benchmark (issue 16, point 6): a group of 10 librdkafka 2.15 members (confluent-kafka-python, one
 * process each, as in the compat tests) reads a 30-partition topic that a producer writes at a steady rate; an 11th
 * member joins. How long until the group has settled (every member holds what the broker assigned it, 2 or 3
 * partitions each, the broker's group Stable), and what the rebalance cost the readers meanwhile:
 *   - unowned partition-seconds: for each partition, the time no member held it, summed, between the join and settling;
 *   - backlog: messages produced during that window that were still unread when it ended.
 * Three protocols: classic with the eager range assignor, classic with cooperative-sticky (KIP-429), and the consumer
 * protocol (KIP-848, the broker assigns, uniform assignor). Each with the defaults (librdkafka heartbeat.interval.ms 3000,
 * Kafka's group.consumer.heartbeat.interval.ms 5000), then with 500 ms heartbeats for all, which is where the protocols'
 * own costs show.
 *
 * Run: npm run bench -- group-settle (needs the conformance gate's librdkafka build: node scripts/librdkafka/gate.mjs
 * --build-only, and Debian's python3-confluent-kafka). Environment: BENCH_RUNS (per case, default 2), BENCH_RATE
 * (messages a second, default 2000), BENCH_PROTOCOLS (eager,cooperative,consumer), BENCH_DEBUG=1 (each member's
 * assign/revoke events, in ms since it started).
 */
import { performance } from 'node:perf_hooks';
import { startTestBroker, type TestBroker } from '../test/support/broker';
import { PyMember, kafkaClient, connectedProducer, waitUntil, tpKey } from '../test/compat/groups-helpers';
import { kip848Librdkafka } from '../test/compat/helpers';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const PARTITIONS = 30;
const MEMBERS = 10;

type Protocol = 'eager' | 'cooperative' | 'consumer';

interface Result {
  protocol: Protocol;
  heartbeatMs: number | 'default';
  settleMs: number;
  unownedPartitionSeconds: number;
  backlog: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function memberConfig(protocol: Protocol, group: string, heartbeatMs: number | 'default'): Record<string, string | number | boolean> {
  const c: Record<string, string | number | boolean> = { 'group.id': group, 'enable.auto.commit': true, 'auto.offset.reset': 'latest' };
  if (protocol === 'consumer') c['group.protocol'] = 'consumer';
  else {
    c['partition.assignment.strategy'] = protocol === 'eager' ? 'range' : 'cooperative-sticky';
    c['session.timeout.ms'] = 45000;
    if (heartbeatMs !== 'default') c['heartbeat.interval.ms'] = heartbeatMs;
  }
  return c;
}

async function runOnce(protocol: Protocol, heartbeatMs: number | 'default', run: number, env: Record<string, string>): Promise<Result> {
  const config: Record<string, string> = { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '10', 'offsets.topic.replication.factor': '3' };
  if (heartbeatMs !== 'default') Object.assign(config, { 'group.consumer.heartbeat.interval.ms': String(heartbeatMs), 'group.consumer.min.heartbeat.interval.ms': String(heartbeatMs) });
  const broker: TestBroker = await startTestBroker({ nodes: 3, config });
  const members: PyMember[] = [];
  const group = `settle-${protocol}-${run}`;
  const topic = 'settle';
  broker.cluster.createTopic(topic, PARTITIONS, 3);
  const producer = await connectedProducer(kafkaClient(broker.bootstrap, 'settle-producer'));
  let produced = 0;
  let producing = true;
  const produceLog: number[] = []; // send times of each batch's messages, cumulative count by time
  const producerLoop = (async () => {
    const perTick = Math.max(1, Math.round(RATE / 100));
    while (producing) {
      const messages = Array.from({ length: perTick }, (_, i) => ({ value: String(produced + i), partition: (produced + i) % PARTITIONS }));
      produced += perTick;
      await producer.send({ topic, messages });
      produceLog.push(performance.now(), produced);
      await sleep(10);
    }
  })();
  try {
    for (let i = 0; i < MEMBERS; i++) members.push(new PyMember(`m${i}`, broker.bootstrap, { topics: [topic], config: memberConfig(protocol, group, heartbeatMs), commit: 'none' }, env));
    const settled = (n: number) => {
      const held = new Map<string, number>();
      for (const m of members) for (const tp of m.assigned) held.set(tp, (held.get(tp) ?? 0) + 1);
      if (held.size !== PARTITIONS || [...held.values()].some((c) => c !== 1)) return false;
      const per = members.map((m) => m.assigned.size);
      if (members.length !== n || Math.max(...per) - Math.min(...per) > 1) return false;
      return broker.cluster.groupCoordinator.group(group)?.state === 'Stable';
    };
    await waitUntil(() => settled(MEMBERS), 120000, `${MEMBERS} members settled`, () => members.map((m) => m.describe()).join('\n'));
    // The newcomer arrives at a random point of the members' heartbeat cycle: a fixed pause would always land at the
    // same distance from their next heartbeat and make one protocol look faster than it is.
    await sleep(2000 + Math.random() * 5000);
    // Who holds each partition, followed in time from the members' callbacks.
    const unownedSince = new Map<string, number>();
    let unownedMs = 0;
    const newcomer = new PyMember(`m${MEMBERS}`, broker.bootstrap, { topics: [topic], config: memberConfig(protocol, group, heartbeatMs), commit: 'none' }, env);
    members.push(newcomer);
    const memberCount = () => broker.cluster.groupCoordinator.group(group)?.members.size ?? 0;
    await waitUntil(() => memberCount() === MEMBERS + 1, 30000, 'the broker to see the newcomer');
    const t0 = performance.now();
    const consumedAt0 = members.reduce((n, m) => n + m.messages.length, 0);
    const producedAt0 = produced;
    let last = t0;
    while (!settled(MEMBERS + 1)) {
      const now = performance.now();
      for (let p = 0; p < PARTITIONS; p++) {
        const k = tpKey(topic, p);
        const held = members.some((m) => m.assigned.has(k));
        if (!held && !unownedSince.has(k)) unownedSince.set(k, last);
        if (held && unownedSince.has(k)) {
          unownedMs += now - unownedSince.get(k)!;
          unownedSince.delete(k);
        }
      }
      last = now;
      if (now - t0 > 120000) throw new Error(`not settled after 120 s:\n${members.map((m) => m.describe()).join('\n')}`);
      await sleep(2);
    }
    const t1 = performance.now();
    if (process.env.BENCH_DEBUG) for (const m of members) console.log(m.name, JSON.stringify(m.events.filter((e) => e.ev !== 'msgs').map((e) => [e.ev, e.at, e.partitions?.length])));
    for (const since of unownedSince.values()) unownedMs += t1 - since;
    // The backlog: what was produced in the window and not yet read at its end.
    const producedInWindow = produced - producedAt0;
    const consumedInWindow = members.reduce((n, m) => n + m.messages.length, 0) - consumedAt0;
    return { protocol, heartbeatMs, settleMs: t1 - t0, unownedPartitionSeconds: unownedMs / 1000, backlog: Math.max(0, producedInWindow - consumedInWindow) };
  } finally {
    producing = false;
    await producerLoop.catch(() => {});
    await producer.disconnect().catch(() => {});
    await Promise.all(members.map((m) => m.kill()));
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const lib = kip848Librdkafka();
  if (!lib) throw new Error('no librdkafka 2.12+ build: run node scripts/librdkafka/gate.mjs --build-only');
  const env = { LD_LIBRARY_PATH: lib };
  console.log(`group settle: ${MEMBERS} members + 1 joining, ${PARTITIONS} partitions, ${RATE} msg/s, ${RUNS} runs per case; librdkafka in ${lib}`);
  const results: Result[] = [];
  const protocols = (process.env.BENCH_PROTOCOLS?.split(',') ?? ['eager', 'cooperative', 'consumer']) as Protocol[];
  for (const heartbeatMs of ['default', 500] as const) {
    for (const protocol of protocols) {
      for (let run = 0; run < RUNS; run++) {
        const r = await runOnce(protocol, heartbeatMs, run, env);
        results.push(r);
        console.log(`  ${protocol.padEnd(11)} heartbeat ${String(heartbeatMs).padEnd(7)} run ${run}: settled in ${r.settleMs.toFixed(0)} ms, ${r.unownedPartitionSeconds.toFixed(1)} unowned partition-seconds, backlog ${r.backlog}`);
      }
    }
  }
  console.log('\n| heartbeat | protocol | settle ms (median) | unowned partition-s (median) | backlog at settle (median) |');
  console.log('|---|---|---|---|---|');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const heartbeatMs of ['default', 500] as const) {
    for (const protocol of ['eager', 'cooperative', 'consumer'] as const) {
      const rs = results.filter((r) => r.protocol === protocol && r.heartbeatMs === heartbeatMs);
      console.log(`| ${heartbeatMs} | ${protocol} | ${median(rs.map((r) => r.settleMs)).toFixed(0)} | ${median(rs.map((r) => r.unownedPartitionSeconds)).toFixed(1)} | ${median(rs.map((r) => r.backlog))} |`);
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
