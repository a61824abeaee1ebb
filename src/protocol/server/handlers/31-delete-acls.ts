// DeleteAcls 0-3 (kafka-acls.sh --remove, admin clients' deleteAcls): ALTER on the cluster, then every ACL each
// filter matches is removed, all filters at once. Without an authorizer every filter is SECURITY_DISABLED and
// matches nothing, as in Kafka.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER, bindingFilter } from './acl-common';
import { AclOperation, authorizeCluster } from '../authorize';
import { PatternType } from '../../../broker/security/acl-binding';

export default defineHandler({
  apiKey: 31,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx, req) {
    const all = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return all(ErrorCode.SECURITY_DISABLED, `${NO_AUTHORIZER}.`);
    const filters = req.filters.map(bindingFilter);
    // As DescribeAcls v0: no pattern type field, so the literal ACLs only.
    if (ctx.apiVersion === 0) for (const f of filters) f.patternType = PatternType.LITERAL;
    const results = authorizer.deleteAcls(filters);
    const deleted = results.reduce((n, r) => n + r.deleted.length, 0);
    if (deleted) ctx.server.logger.info(`${deleted} ACL(s) deleted by ${ctx.principal}`);
    return {
      throttleTimeMs: 0,
      filterResults: results.map((r) =>
        r.error
          ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: r.message, matchingAcls: [] }
          : {
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              matchingAcls: r.deleted.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType })),
            },
      ),
    };
  },
});
