/**
 * Partition reassignment on an external cluster (AlterPartitionReassignments, KIP-455), which the library has no call
 * for: sent through DirectRequests, as kafka-reassign-partitions.sh --execute (or --cancel) sends it.
 */
import type { Admin } from '@platformatic/kafka';
import { AlterPartitionReassignmentsApi } from '../protocol/messages/alter-partition-reassignments-api';
import type { AlterPartitionReassignmentsResponseData } from '../protocol/messages/alter-partition-reassignments-response';
import { KafkaError, errorName, type ErrorName } from '../broker/errors';
import type { DirectRequests } from './external-cluster-requests';
import { call } from './external-cluster-errors';

/** One partition to `replicas`, or its reassignment cancelled (null). */
export class Reassignments {
  constructor(
    private readonly admin: Admin,
    private readonly requests: DirectRequests,
  ) {}

  async reassign(topic: string, partition: number, replicas: number[] | null): Promise<void> {
    const brokers = (await call(() => this.admin.metadata({ topics: [], forceUpdate: false }))).brokers;
    const broker = [...brokers.values()][0];
    if (!broker) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster listed no broker.');
    // Any broker takes it: a KRaft broker forwards it to the active controller.
    const r = await this.requests.schemaRequest<AlterPartitionReassignmentsResponseData>(AlterPartitionReassignmentsApi, { timeoutMs: 60000, topics: [{ name: topic, partitions: [{ partitionIndex: partition, replicas }] }] }, broker);
    if (r.errorCode !== 0) throw new KafkaError(errorName(r.errorCode) as ErrorName, r.errorMessage ?? undefined);
    const p = r.responses[0]?.partitions[0];
    if (p && p.errorCode !== 0) throw new KafkaError(errorName(p.errorCode) as ErrorName, p.errorMessage ?? undefined);
  }
}
