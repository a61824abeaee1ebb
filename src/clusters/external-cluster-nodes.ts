/**
 * An external cluster's brokers as the status bar, the tree and the Cluster view show them, from Metadata alone:
 * a client sees no broker's process, disk or replica fetchers, so every broker listed is up, and what only the
 * embedded broker knows (data directories, log end offsets, faults) is left empty.
 */
import type { BrokerStatus, FaultState, ReplicationView } from '../broker/api';
import type { ConnectionConfig } from './connections';
import type { MetadataReader } from './external-cluster-metadata';

export class NodesReader {
  constructor(
    private readonly config: ConnectionConfig,
    private readonly metadata: MetadataReader,
  ) {}

  async status(): Promise<BrokerStatus> {
    const m = await this.metadata.everyTopic();
    const leaders = new Map<number, number>();
    for (const t of m.topics.values()) for (const p of t.partitions) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    return {
      clusterId: m.id,
      dataDir: '',
      bootstrap: this.config.bootstrapServers,
      controllerId: m.controllerId,
      connection: this.config.name,
      nodes: [...m.brokers]
        .sort((a, b) => a[0] - b[0])
        .map(([id, b]) => ({ id, host: b.host, port: b.port, up: true, isController: id === m.controllerId, leaderCount: leaders.get(id) ?? 0, logDir: '' })),
    };
  }

  async replication(): Promise<ReplicationView> {
    const m = await this.metadata.everyTopic();
    const live = new Set(m.brokers.keys());
    const none: FaultState = { cutLinks: [], paused: [], slow: [] };
    return {
      controllerId: m.controllerId,
      nodes: [...m.brokers.keys()].sort((a, b) => a - b).map((id) => ({ id, up: true })),
      faults: none,
      partitions: [...m.topics].flatMap(([topic, t]) =>
        t.partitions.map((p, partition) => ({
          topic,
          partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          highWatermark: -1,
          underReplicated: p.isr.length < p.replicas.length,
          offline: p.leader < 0 || !live.has(p.leader),
          replicas: p.replicas.map((node) => ({
            node,
            up: live.has(node) && !p.offlineReplicas.includes(node),
            inSync: p.isr.includes(node),
            isLeader: node === p.leader,
            logEndOffset: -1,
            lastCaughtUpMsAgo: null,
          })),
        })),
      ),
    };
  }
}
