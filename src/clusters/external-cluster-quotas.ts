/**
 * Client quotas on any cluster through Kafka's own APIs (DescribeClientQuotas, AlterClientQuotas), as kafka-configs.sh
 * reaches them: Tributary, Apache Kafka, Redpanda. The requests are written and read with Tributary's codecs
 * (generated from Kafka's schemas) over the Admin's connections, because the library's Admin refuses ip entities and
 * reads only v1. Each goes to any broker (a KRaft broker forwards alterations to its controller), in the newest
 * version both sides speak.
 */
import type { Admin } from '@platformatic/kafka';
import type { ApiCodec } from '../protocol/messages/api-codec';
import type { DirectRequests } from './external-cluster-requests';
import { DescribeClientQuotasApi } from '../protocol/messages/describe-client-quotas-api';
import { AlterClientQuotasApi } from '../protocol/messages/alter-client-quotas-api';
import type { DescribeClientQuotasResponseData } from '../protocol/messages/describe-client-quotas-response';
import type { AlterClientQuotasResponseData } from '../protocol/messages/alter-client-quotas-response';
import { KafkaError, errorName, type ErrorName } from '../broker/errors';
import type { QuotaEntity, QuotaEntityType, QuotaFilterComponent, StoredClientQuota } from '../broker/quota/client-quota-entity';

/** A DescribeClientQuotas filter: components with Kafka's match types (QuotaMatchType), and whether it is strict. */
export interface ClientQuotaFilter {
  components: QuotaFilterComponent[];
  strict: boolean;
}

/** One entity's changes: a value sets its key, null removes it. */
export interface ClientQuotaAlteration {
  entity: QuotaEntity;
  ops: Record<string, number | null>;
}

export class ClientQuotas {
  constructor(
    private readonly admin: Admin,
    private readonly requests: DirectRequests,
  ) {}

  async describeClientQuotas(filter: ClientQuotaFilter): Promise<StoredClientQuota[]> {
    const r = await this.send<DescribeClientQuotasResponseData>(DescribeClientQuotasApi, { components: filter.components, strict: filter.strict });
    if (r.errorCode !== 0) throw new KafkaError(errorName(r.errorCode) as ErrorName, r.errorMessage ?? undefined);
    return (r.entries ?? []).map((e) => ({
      entity: Object.fromEntries(e.entity.map((c) => [c.entityType as QuotaEntityType, c.entityName])),
      values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
    }));
  }

  /** Applies the alterations; the first entity refused fails the call, as Kafka's AlterClientQuotasResult.all() does. */
  async alterClientQuotas(alterations: ClientQuotaAlteration[], validateOnly = false): Promise<void> {
    const entries = alterations.map((a) => ({
      entity: Object.entries(a.entity).map(([entityType, entityName]) => ({ entityType, entityName: entityName ?? null })),
      ops: Object.entries(a.ops).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
    }));
    const r = await this.send<AlterClientQuotasResponseData>(AlterClientQuotasApi, { entries, validateOnly });
    const failed = r.entries.find((e) => e.errorCode !== 0);
    if (failed) throw new KafkaError(errorName(failed.errorCode) as ErrorName, failed.errorMessage ?? undefined);
  }

  /** To any broker: a KRaft broker forwards alterations to its controller. */
  private async send<R>(codec: ApiCodec, request: unknown): Promise<R> {
    const brokers = (await this.admin.metadata({ topics: [], forceUpdate: false })).brokers;
    const broker = [...brokers.values()][0];
    if (!broker) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The cluster listed no broker.');
    return this.requests.schemaRequest<R>(codec, request, broker);
  }
}
