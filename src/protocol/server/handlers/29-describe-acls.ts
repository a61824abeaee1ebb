// DescribeAcls 0-3 (kafka-acls.sh --list, admin clients' describeAcls): DESCRIBE on the cluster, then the ACLs the
// filter selects, grouped by resource pattern. Without an authorizer, SECURITY_DISABLED as in Kafka.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER, bindingFilter } from './acl-common';
import { AclOperation, authorizeCluster } from '../authorize';
import { PatternType, invalidFilter } from '../../../broker/security/acl-binding';
import type { DescribeAclsResource } from '../../messages/describe-acls-response';

export default defineHandler({
  apiKey: 29,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx, req) {
    const fail = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const authorizer = ctx.cluster.authorizer;
    if (!authorizer) return fail(ErrorCode.SECURITY_DISABLED, `${NO_AUTHORIZER} on the broker`);
    const filter = bindingFilter(req);
    // v0 predates pattern types: the field is absent and reads as the schema's default, LITERAL (Kafka's v0 filters
    // select literal ACLs only).
    if (ctx.apiVersion === 0) filter.patternType = PatternType.LITERAL;
    const invalid = invalidFilter(filter);
    if (invalid) return fail(ErrorCode.INVALID_REQUEST, invalid);
    const resources = new Map<string, DescribeAclsResource>();
    for (const b of authorizer.acls(filter)) {
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      let r = resources.get(key);
      if (!r) resources.set(key, (r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
      r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...resources.values()] };
  },
});
