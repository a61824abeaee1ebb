/**
 * What the consumer-group suites (groups-*.test.ts) share: group members driven by real clients — librdkafka through
 * confluent-kafka-python, each in its own process (py/groups_consumer.py), and kafkajs consumers in this process —
 * with their own view of what they were assigned and consumed, plus waiting on the broker's view of the group.
 */
import { strict as assert } from 'node:assert';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { Kafka, logLevel, Consumer, ConsumerConfig, Producer, Partitioners } from 'kafkajs';
import type { Cluster } from '../../src/broker/cluster';
import type { RebalanceRecord } from '../../src/broker/coordinator/group/rebalance-journal';
import { PYTHON } from './helpers';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export const PY_GROUP_CONSUMER = path.join(__dirname, '..', '..', '..', 'test', 'compat', 'py', 'groups_consumer.py');

/** Broker settings that keep group tests fast: no initial rebalance delay, short sessions allowed. */
export const FAST_GROUPS: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '10',
};

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns something truthy; fails with `what` (and `detail()`) after `timeoutMs`. */
export async function waitUntil<T>(fn: () => T | undefined | null | false, timeoutMs: number, what: string, detail?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await sleep(25);
  }
}

export const tpKey = (topic: string, partition: number) => `${topic}-${partition}`;

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  value: string | null;
}

export interface PyEvent {
  ev: string;
  partitions?: Array<[string, number]>;
  m?: Array<[string, number, number, string | null]>;
  offsets?: Array<[string, number, number]>;
  error?: string;
  str?: string;
  where?: string;
  /** Milliseconds since the member started, stamped on arrival. */
  at: number;
}

/** A librdkafka group member in its own python process. */
export class PyMember {
  readonly events: PyEvent[] = [];
  readonly messages: ConsumedMessage[] = [];
  /** Partitions held now, per the member's own assign/revoke/lost callbacks. */
  readonly assigned = new Set<string>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private readonly started = Date.now();

  constructor(
    readonly name: string,
    bootstrap: string,
    spec: { topics: string[]; config: Record<string, string | number | boolean>; commit?: 'sync' | 'none'; commitOnRevoke?: boolean; batch?: number; processMs?: number },
    /** Extra environment: LD_LIBRARY_PATH to run it on another librdkafka than Debian's. */
    env?: Record<string, string>,
  ) {
    this.child = spawn(PYTHON, [PY_GROUP_CONSUMER, bootstrap, JSON.stringify({ ...spec, config: { 'client.id': name, ...spec.config } })], { stdio: ['pipe', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    let buf = '';
    this.child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) this.onEvent({ ...(JSON.parse(line) as Omit<PyEvent, 'at'>), at: Date.now() - this.started });
      }
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString('utf8')).slice(-8000)));
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  private onEvent(e: PyEvent): void {
    this.events.push(e);
    if (e.ev === 'assign') for (const [t, p] of e.partitions!) this.assigned.add(tpKey(t, p));
    if (e.ev === 'revoke' || e.ev === 'lost') for (const [t, p] of e.partitions!) this.assigned.delete(tpKey(t, p));
    if (e.ev === 'msgs') for (const [topic, partition, offset, value] of e.m!) this.messages.push({ topic, partition, offset, value });
  }

  count(ev: string): number {
    return this.events.filter((e) => e.ev === ev).length;
  }

  /** The partitions held now, sorted ("topic-p"). */
  holding(): string[] {
    return [...this.assigned].sort();
  }

  describe(): string {
    const evs = this.events.filter((e) => e.ev !== 'msgs').map((e) => JSON.stringify(e));
    return `${this.name}: ${this.messages.length} messages; events:\n  ${evs.slice(-30).join('\n  ')}\nstderr: ${this.stderr.slice(-2000)}`;
  }

  async waitFor(pred: (m: PyMember) => boolean, timeoutMs: number, what: string): Promise<void> {
    await waitUntil(() => pred(this), timeoutMs, `${this.name}: ${what}`, () => this.describe());
  }

  send(cmd: 'stall' | 'resume' | 'close'): void {
    this.child.stdin.write(`${cmd}\n`);
  }

  /** Consumer.close() (a dynamic member sends LeaveGroup) and the process exits. */
  async close(timeoutMs = 15000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send('close');
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const r = await this.exited;
    clearTimeout(t);
    assert.equal(r.code, 0, `${this.name} did not close cleanly (${r.code ?? r.signal})\n${this.describe()}`);
  }

  /** SIGKILL: the member vanishes without a word to the broker. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** A kafkajs consumer with what it was assigned (GROUP_JOIN) and what it consumed. */
export class KjsMember {
  readonly consumer: Consumer;
  readonly messages: ConsumedMessage[] = [];
  readonly joins: Array<{ generation?: number; memberId: string; isLeader: boolean; assignment: Record<string, number[]> }> = [];
  memberId = '';

  constructor(
    readonly name: string,
    kafka: Kafka,
    config: ConsumerConfig,
  ) {
    this.consumer = kafka.consumer({ retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 }, maxWaitTimeInMs: 100, ...config });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.memberId = e.payload.memberId;
      this.joins.push({ memberId: e.payload.memberId, isLeader: e.payload.isLeader, assignment: e.payload.memberAssignment });
    });
  }

  /** The partitions of the last assignment, sorted ("topic-p"). */
  holding(): string[] {
    const last = this.joins[this.joins.length - 1];
    if (!last) return [];
    return Object.entries(last.assignment)
      .flatMap(([t, ps]) => ps.map((p) => tpKey(t, p)))
      .sort();
  }

  async start(topics: string[], opts: { fromBeginning?: boolean; autoCommit?: boolean; onMessage?: (m: ConsumedMessage) => Promise<void> } = {}): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: opts.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: opts.autoCommit ?? true,
      autoCommitInterval: 100,
      eachMessage: async ({ topic, partition, message }) => {
        const m = { topic, partition, offset: Number(message.offset), value: message.value === null ? null : message.value.toString('utf8') };
        this.messages.push(m);
        await opts.onMessage?.(m);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

export function kafkaClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 1000 } });
}

export async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const p = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await p.connect();
  return p;
}

/** Produces `values` round-robin over `partitions` partitions (value i goes to partition i % partitions). */
export async function produceValues(producer: Producer, topic: string, partitions: number, values: string[], timestamp?: (i: number) => number): Promise<void> {
  for (let from = 0; from < values.length; from += 2000) {
    await producer.send({
      topic,
      acks: -1,
      messages: values.slice(from, from + 2000).map((value, j) => ({ value, partition: (from + j) % partitions, timestamp: timestamp ? String(timestamp(from + j)) : undefined })),
    });
  }
}

export function history(cluster: Cluster, groupId: string): readonly RebalanceRecord[] {
  return cluster.groups.rebalanceHistory(groupId);
}

/** Waits for the group to be Stable with `members` members, each with its assignment delivered. */
export async function waitStable(cluster: Cluster, groupId: string, members: number, timeoutMs = 15000): Promise<void> {
  await waitUntil(
    () => {
      const g = cluster.groupCoordinator.group(groupId);
      return g?.is('Stable') && g.members.size === members && !g.journal.inProgress;
    },
    timeoutMs,
    `group ${groupId} to be Stable with ${members} members`,
    () => describeState(cluster, groupId),
  );
}

export function describeState(cluster: Cluster, groupId: string): string {
  const g = cluster.groupCoordinator.group(groupId);
  if (!g) return `group ${groupId} does not exist`;
  const d = cluster.groups.describeGroup(groupId);
  return `group ${groupId}: ${d.state}, generation ${d.generation}, members ${JSON.stringify(d.members.map((m) => ({ client: m.clientId, inst: m.groupInstanceId, a: m.assignment })))}\njournal: ${JSON.stringify(
    history(cluster, groupId).map((r) => ({ from: r.fromGeneration, to: r.toGeneration, trigger: r.trigger, removed: r.removed, outcome: r.outcome, moves: r.moves?.length })),
  )}`;
}

/** The group has committed offsets for exactly `partitions` partitions, each at the end of its partition. */
export function committedToEnd(cluster: Cluster, groupId: string, partitions: number): boolean {
  if (!cluster.groupCoordinator.group(groupId)) return false;
  const offsets = cluster.groups.describeGroup(groupId).offsets;
  return offsets.length === partitions && offsets.every((o) => o.committed !== null && o.committed === o.endOffset);
}

/** Partition assignment per client id, from the broker (describeGroup). */
export function brokerAssignment(cluster: Cluster, groupId: string): Map<string, string[]> {
  const d = cluster.groups.describeGroup(groupId);
  return new Map(d.members.map((m) => [m.clientId, m.assignment.flatMap((tp) => tp.partitions.map((p) => tpKey(tp.topic, p))).sort()]));
}

/** Every completed journal record is well formed: generations increase, durations are >= 0, before/after are there. */
export function assertJournalWellFormed(records: readonly RebalanceRecord[]): void {
  let lastTo = -1;
  for (const r of records) {
    const where = `journal record ${JSON.stringify({ from: r.fromGeneration, to: r.toGeneration, trigger: r.trigger })}`;
    assert.ok(Array.isArray(r.before), `${where}: before`);
    if (r.toGeneration === undefined) continue; // in progress
    assert.ok(Array.isArray(r.after), `${where}: after`);
    assert.ok(r.durationMs !== undefined && r.durationMs >= 0, `${where}: duration ${r.durationMs}`);
    assert.ok(r.endedAt! >= r.startedAt, `${where}: ended before it started`);
    if (r.trigger === 'static member replaced') assert.equal(r.toGeneration, r.fromGeneration, `${where}: a replaced static member does not bump the generation`);
    else assert.ok(r.toGeneration > r.fromGeneration, `${where}: generation did not increase`);
    assert.ok(r.toGeneration >= lastTo, `${where}: generation went back from ${lastTo}`);
    lastTo = r.toGeneration;
  }
}

/** Messages counted by value: which values were seen more than once, and which of `expected` never. */
export function exactlyOnce(messages: Array<{ value: string | null }>, expected: number): { missing: number[]; duplicated: number[] } {
  const seen = new Uint16Array(expected);
  const duplicated: number[] = [];
  for (const m of messages) {
    const i = Number(m.value);
    if (seen[i]++ === 1) duplicated.push(i);
  }
  const missing: number[] = [];
  for (let i = 0; i < expected; i++) if (seen[i] === 0) missing.push(i);
  return { missing, duplicated };
}
