/** What the cluster tells the UI and the listeners: elections, ISR changes, nodes stopping and starting. */
export type ClusterEvent =
  | { type: 'node-stopped'; nodeId: number }
  | { type: 'node-started'; nodeId: number }
  | { type: 'controller-changed'; from: number; to: number }
  | { type: 'leader-elected'; topic: string; partition: number; leader: number; previousLeader: number; leaderEpoch: number; reason: string; unclean: boolean }
  | { type: 'isr-changed'; topic: string; partition: number; isr: number[]; reason: string }
  /**
   * A step of a partition reassignment (KIP-455): started, a replica it adds caught up (joined the ISR), completed,
   * or cancelled; with the partition's replicas and the ones still being added and removed after the step.
   */
  | { type: 'reassignment'; topic: string; partition: number; step: ReassignmentStep; replicas: number[]; addingReplicas: number[]; removingReplicas: number[]; description: string }
  | { type: 'topic-created'; topic: string }
  | { type: 'topic-deleted'; topic: string }
  | { type: 'fault-changed'; description: string };

export type ReassignmentStep = 'started' | 'caught-up' | 'completed' | 'cancelled';

export type ClusterEventListener = (e: ClusterEvent) => void;
