// AlterClientQuotas 0-1 (kafka-configs.sh --alter of users, clients and ips; admin clients' alterClientQuotas):
// ALTER_CONFIGS on the cluster (refused: every entry CLUSTER_AUTHORIZATION_FAILED), then each entity validated and
// applied as Kafka's controller does, the valid ones saved together in the cluster metadata unless validateOnly.
// One answer per distinct entity, in the order of Kafka's result map.
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';
import { alterClientQuotas, ipNamesOf, javaEntityString } from '../../../broker/quota/client-quota-entity';

/** How long a host name of an ip entity may take to resolve: a resolver that does not answer refuses the name. */
const RESOLVE_TIMEOUT_MS = 5000;

/** The names that are addresses or resolve (Kafka's InetAddress.getByName), looked up together. */
async function validIps(names: string[]): Promise<Set<string>> {
  const resolves = async (name: string) => {
    if (isIP(name) || isIP(name.replace(/^\[(.*)\]$/, '$1')) === 6) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), RESOLVE_TIMEOUT_MS)));
    try {
      return await Promise.race([lookup(name).then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const ok = await Promise.all(names.map(resolves));
  return new Set(names.filter((_, i) => ok[i]));
}

export default defineHandler({
  apiKey: 49,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
    if (!authorizeCluster(ctx, AclOperation.ALTER_CONFIGS)) {
      return {
        throttleTimeMs: 0,
        entries: req.entries.map((e) => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entity: e.entity.map((c) => ({ entityType: c.entityType, entityName: c.entityName })) })),
      };
    }
    const ips = await validIps(ipNamesOf(req.entries));
    // Read after the lookups, so that a request that altered the quotas meanwhile is not undone.
    const store = ctx.cluster.metadata;
    const outcome = alterClientQuotas(store.clientQuotas(), req.entries, (name) => ips.has(name));
    if (!req.validateOnly && outcome.changed) {
      store.replaceClientQuotas(outcome.quotas);
      for (const r of outcome.results) if (!r.error) ctx.server.logger.info(`Client quotas of ${javaEntityString(r.entity)} altered by ${ctx.principal}`);
    }
    return {
      throttleTimeMs: 0,
      entries: outcome.results.map((r) => ({
        errorCode: r.error ? ErrorCode[r.error.name] : ErrorCode.NONE,
        errorMessage: r.error?.message ?? null,
        entity: r.entity,
      })),
    };
  },
});
