// DescribeClientQuotas 0-1 (kafka-configs.sh --describe of users, clients and ips; admin clients'
// describeClientQuotas): DESCRIBE_CONFIGS on the cluster, then the stored quota entities the filter selects, with
// their values. An invalid filter fails the whole request (INVALID_REQUEST, or UNSUPPORTED_VERSION for an unknown
// entity type), with no entries, as Kafka's broker answers from its metadata image.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';
import { entityComponents, matchesQuotaFilter, quotaFilter } from '../../../broker/quota/client-quota-entity';

export default defineHandler({
  apiKey: 48,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, entries: null });
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE_CONFIGS)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    let filter;
    try {
      filter = quotaFilter(req.components, req.strict);
    } catch (e) {
      return fail(errorCodeOf(e), (e as Error).message);
    }
    const entries = ctx.cluster.metadata
      .clientQuotas()
      .filter((q) => matchesQuotaFilter(q.entity, filter))
      .map((q) => ({ entity: entityComponents(q.entity), values: Object.entries(q.values).map(([key, value]) => ({ key, value })) }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
});
