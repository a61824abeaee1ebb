/**
 * Commands that talk to a running broker through its control socket: nodes, faults, elections, status.
 *   tributary status            tributary node stop|start N          tributary elect-leaders [--unclean] [topic:partition]...
 *   tributary fault pause-follower N | resume-follower N | slow-follower N MS | cut-link A B | heal-link A B | clear | show
 */
import { ControlClient } from '../broker/control-socket';
import { formatVersions, type ClientView, type FaultChange, type ReplicationView } from '../broker/api';
import { UsageError } from './args';

function nodeArg(v: string | undefined, what = 'node id'): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`expected a ${what}, not ${v ?? 'nothing'}`);
  return n;
}

function faultOf(words: string[]): FaultChange | undefined {
  const [kind, a, b] = words;
  switch (kind) {
    case 'pause-follower':
      return { kind: 'pauseFollower', node: nodeArg(a) };
    case 'resume-follower':
      return { kind: 'resumeFollower', node: nodeArg(a) };
    case 'slow-follower':
      return { kind: 'slowFollower', node: nodeArg(a), delayMs: nodeArg(b, 'delay in ms') };
    case 'cut-link':
      return { kind: 'cutLink', a: nodeArg(a), b: nodeArg(b) };
    case 'heal-link':
      return { kind: 'healLink', a: nodeArg(a), b: nodeArg(b) };
    case 'clear':
      return { kind: 'clear' };
    case 'show':
      return undefined;
    default:
      throw new UsageError(`unknown fault ${kind ?? ''}`);
  }
}

/** What `tributary status` prints: nodes, then each partition's leader, ISR and replicas' log end offsets. */
function formatReplication(v: ReplicationView): string[] {
  const lines = [`controller: node ${v.controllerId}`, `nodes: ${v.nodes.map((n) => `${n.id} ${n.up ? 'up' : 'DOWN'}`).join(', ')}`];
  const f = v.faults;
  if (f.cutLinks.length || f.paused.length || f.slow.length) {
    lines.push(`faults: cut links ${f.cutLinks.join(' ') || '-'}; paused ${f.paused.join(' ') || '-'}; slow ${f.slow.map((s) => `${s.node}:${s.delayMs}ms`).join(' ') || '-'}`);
  }
  for (const p of v.partitions) {
    if (p.topic.startsWith('__')) continue;
    const marks = p.offline ? ' OFFLINE' : p.underReplicated ? ' under-replicated' : '';
    const replicas = p.replicas.map((r) => `${r.node}${r.isLeader ? '*' : ''}${r.inSync ? '' : '(out of sync)'}${r.up ? `@${r.logEndOffset}` : '(down)'}`).join(' ');
    lines.push(`${p.topic}-${p.partition}: leader ${p.leader} epoch ${p.leaderEpoch} hw ${p.highWatermark}${marks}  replicas ${replicas}`);
  }
  return lines;
}

const versions = (vs: readonly number[]) => formatVersions(vs, ',');

/** What a client is called: its id, and its software when it said (ApiVersions v3+). */
function clientName(c: ClientView): string {
  return `${c.clientId || '(no client id)'}${c.softwareName ? ` (${c.softwareName} ${c.softwareVersion ?? ''})`.replace(' )', ')') : ''} from ${c.host}`;
}

/** The Kafka 4 problems of a client, one phrase: "Produce v0 (Kafka 4.0 serves v3+), Fetch v0-1 (v4+)". */
function kafka4Text(c: ClientView): string {
  const byApi = new Map<string, { versions: number[]; min: number }>();
  for (const p of c.kafka4) {
    const e = byApi.get(p.api) ?? { versions: [], min: p.kafka4Min };
    e.versions.push(p.version);
    byApi.set(p.api, e);
  }
  return [...byApi].map(([api, e]) => `${api} ${versions(e.versions)} (Kafka 4.0 serves v${e.min}+)`).join(', ');
}

function formatClients(clients: readonly ClientView[], now = Date.now()): string[] {
  if (clients.length === 0) return ['no client has connected'];
  const lines: string[] = [];
  for (const c of clients) {
    lines.push(`${clientName(c)}: ${c.connections} connection${c.connections === 1 ? '' : 's'} (${c.openConnections} open), ${c.requests} requests, last ${Math.max(0, Math.round((now - c.lastSeen) / 1000))} s ago`);
    lines.push(`  APIs: ${c.apis.map((a) => `${a.api} ${versions(a.versions)}`).join(', ')}`);
    lines.push(c.kafka4.length ? `  Kafka 4.0 refuses: ${kafka4Text(c)}` : '  ready for Kafka 4.0');
  }
  return lines;
}

export async function controlCommand(command: string, words: string[], dataDir: string, out: (s: string) => void): Promise<number> {
  const client = await ControlClient.connect(dataDir);
  try {
    switch (command) {
      case 'status': {
        for (const l of formatReplication(await client.call('replication'))) out(l);
        for (const w of (await client.call('status')).warnings ?? []) out(`warning: ${w}`);
        for (const c of await client.call('connectedClients')) if (c.kafka4.length) out(`warning: client ${clientName(c)} uses requests Kafka 4.0 refuses: ${kafka4Text(c)} (tributary clients)`);
        return 0;
      }
      case 'clients': {
        for (const l of formatClients(await client.call('connectedClients'))) out(l);
        return 0;
      }
      case 'node': {
        const [action, id] = words;
        if (action !== 'stop' && action !== 'start') throw new UsageError('node takes stop or start and a node id');
        await client.call(action === 'stop' ? 'stopNode' : 'startNode', nodeArg(id));
        out(`node ${id} ${action === 'stop' ? 'stopped' : 'started'}`);
        for (const l of formatReplication(await client.call('replication'))) out(l);
        return 0;
      }
      case 'fault': {
        const change = faultOf(words);
        const state = change ? await client.call('setFault', change) : (await client.call('replication')).faults;
        out(`cut links: ${state.cutLinks.join(' ') || '-'}`);
        out(`paused followers: ${state.paused.join(' ') || '-'}`);
        out(`slow followers: ${state.slow.map((s) => `${s.node} (${s.delayMs} ms)`).join(' ') || '-'}`);
        return 0;
      }
      case 'elect-leaders': {
        const unclean = words.includes('--unclean');
        const parts = words.filter((w) => w !== '--unclean').map((w) => {
          const i = w.lastIndexOf(':');
          if (i <= 0) throw new UsageError(`partitions are topic:partition, not ${w}`);
          return { topic: w.slice(0, i), partition: nodeArg(w.slice(i + 1), 'partition') };
        });
        const results = await client.call('electLeaders', unclean ? 'unclean' : 'preferred', parts.length ? parts : undefined);
        for (const r of results) out(`${r.topic}-${r.partition}: ${r.error ?? 'elected'} (leader ${r.leader})`);
        if (results.length === 0) out('no election needed');
        return results.some((r) => r.error && r.error !== 'ELECTION_NOT_NEEDED') ? 1 : 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    client.close();
  }
}
