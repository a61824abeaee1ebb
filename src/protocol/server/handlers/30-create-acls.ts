// CreateAcls 0-3 (kafka-acls.sh --add, admin clients' createAcls): ALTER on the cluster, then each binding validated
// on its own and stored in the cluster metadata. Without an authorizer every creation is SECURITY_DISABLED, as in Kafka.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER } from './acl-common';
import { AclOperation, authorizeCluster } from '../authorize';
import { PatternType, describeBinding } from '../../../broker/security/acl-binding';

export default defineHandler({
  apiKey: 30,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx, req) {
    const all = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return all(ErrorCode.SECURITY_DISABLED, `${NO_AUTHORIZER}.`);
    // v0 has no pattern type field: every binding is LITERAL (the schema's default), so nothing to refuse there.
    const bindings = req.creations.map((c) => ({ resourceType: c.resourceType, resourceName: c.resourceName, patternType: ctx.apiVersion === 0 ? PatternType.LITERAL : c.resourcePatternType, principal: c.principal, host: c.host, operation: c.operation, permissionType: c.permissionType }));
    const results = authorizer.createAcls(bindings);
    for (const [i, r] of results.entries()) if (!r.error) ctx.server.logger.info(`ACL added by ${ctx.principal}: ${describeBinding(bindings[i])}`);
    return { throttleTimeMs: 0, results: results.map((r) => (r.error ? { errorCode: ErrorCode[r.error], errorMessage: r.message } : { errorCode: ErrorCode.NONE, errorMessage: null })) };
  },
});
