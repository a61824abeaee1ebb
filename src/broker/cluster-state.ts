/**
 * What the cluster's parts read of it. Kafka hands its ReplicaManager a MetadataCache and a LogManager rather than
 * the whole broker; here the Cluster implements this interface and hands it to the controller, the replica manager,
 * the fetchers and the coordinators' topics, so that none of them imports the Cluster (and the Cluster can be built
 * from them without a cycle).
 */
import type { BrokerConfig } from './config/broker-config';
import type { LogConfig } from './config/topic-config';
import type { Logger } from './logger';
import type { MetadataStore, PartitionState } from './metadata/metadata-store';
import type { Log } from './storage/log';
import type { LogManager } from './storage/log-manager';

export interface VirtualNode {
  id: number;
  /** Replaced when a stopped node starts again. */
  logManager: LogManager;
  up: boolean;
}

export interface ClusterState {
  readonly metadata: MetadataStore;
  readonly brokerConfig: BrokerConfig;
  readonly nodes: readonly VirtualNode[];
  readonly logger: Logger;
  isNodeUp(id: number): boolean;
  /** Throws BROKER_NOT_AVAILABLE for an unknown id. */
  node(id: number): VirtualNode;
  /** Throws UNKNOWN_TOPIC_OR_PARTITION. */
  partitionState(topic: string, partition: number): PartitionState;
  /** The leader's log; throws as a Produce or Fetch to a partition without a live leader is answered. */
  leaderLog(topic: string, partition: number): Log;
  logConfig(topic: string, nodeId?: number): LogConfig;
  rackOf(nodeId: number): string | null;
}

/**
 * What the owners of state say when it changes, by name only: a log whose start, high watermark or end offset moved,
 * a topic created, deleted or changed (partitions, leaders, ISR, configs), a group's state, generation, members or
 * committed offsets, the nodes (up, down, controller, leaders). Whoever listens reads the new state itself; calls
 * come on the hot path (every append), so a listener only takes note.
 */
export interface StateChangeListener {
  partitionOffsets(topic: string, partition: number): void;
  topic(name: string): void;
  group(groupId: string): void;
  nodes(): void;
}
