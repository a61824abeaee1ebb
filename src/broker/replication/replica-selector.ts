/**
 * Kafka's ReplicaSelector (KIP-392): which replica a consumer should fetch from, given the rack it names
 * (client.rack). With `replica.selector.class` unset or LeaderSelector, always the leader; with
 * RackAwareReplicaSelector, the leader if it is in the client's rack, else the most caught-up replica there, else
 * the leader.
 */
import { RACK_AWARE_REPLICA_SELECTOR } from '../config/broker-config';

export interface ReplicaView {
  nodeId: number;
  rack: string | null;
  logEndOffset: number;
  /** How long ago the replica was last caught up with the leader (0 for the leader itself). */
  timeSinceLastCaughtUpMs: number;
}

type ReplicaSelector = (clientRack: string, leader: ReplicaView, replicas: readonly ReplicaView[]) => ReplicaView;

const leaderSelector: ReplicaSelector = (_rack, leader) => leader;

const rackAwareSelector: ReplicaSelector = (clientRack, leader, replicas) => {
  if (!clientRack) return leader;
  const sameRack = replicas.filter((r) => r.rack === clientRack);
  if (sameRack.length === 0 || sameRack.some((r) => r.nodeId === leader.nodeId)) return leader;
  // Kafka's ReplicaView comparator: the highest log end offset, then the most recently caught up.
  return sameRack.reduce((best, r) => (r.logEndOffset > best.logEndOffset || (r.logEndOffset === best.logEndOffset && r.timeSinceLastCaughtUpMs < best.timeSinceLastCaughtUpMs) ? r : best));
};

/** The selector a `replica.selector.class` value names; undefined when none is configured (leader only). */
export function replicaSelectorFor(className: string | null | undefined): ReplicaSelector | undefined {
  if (!className) return undefined;
  return className === RACK_AWARE_REPLICA_SELECTOR ? rackAwareSelector : leaderSelector;
}
