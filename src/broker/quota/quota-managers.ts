/**
 * One node's quota managers (Kafka's QuotaFactory.QuotaManagers): produce and fetch byte rates, request time, and
 * connection creation rates, all measured with quota.window.num windows of quota.window.size.seconds.
 */
import type { StoredClientQuota } from './client-quota-entity';
import { ClientQuotaManager, type ClientQuotaUsage } from './client-quota-manager';
import { ConnectionQuotas } from './connection-quotas';
import type { RateConfig } from './rate';

export class QuotaManagers {
  readonly produce: ClientQuotaManager;
  readonly fetch: ClientQuotaManager;
  readonly request: ClientQuotaManager;
  readonly connections: ConnectionQuotas;

  constructor(quotas: () => readonly StoredClientQuota[], config: RateConfig, maxConnectionCreationRate: () => number) {
    this.produce = new ClientQuotaManager('produce', quotas, config);
    this.fetch = new ClientQuotaManager('fetch', quotas, config);
    this.request = new ClientQuotaManager('request', quotas, config);
    this.connections = new ConnectionQuotas(quotas, maxConnectionCreationRate, config);
  }

  /** Every client with a quota on this node, its rate and how much it was throttled. */
  usage(now: number): ClientQuotaUsage[] {
    return [...this.produce.usage(now), ...this.fetch.usage(now), ...this.request.usage(now)];
  }
}

/** Kafka's request quota unit: percent of one thread per second, from nanoseconds of thread time. */
export const NANOS_TO_PERCENTAGE_PER_SECOND = 100 / 1e9;
