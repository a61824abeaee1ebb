// Shared by the ACL handlers: Kafka's message when the broker has no authorizer, and request fields as bindings.
import type { AclBindingFilter } from '../../../broker/security/acl-binding';

export const NO_AUTHORIZER = 'No Authorizer is configured';

/** A DescribeAcls request or DeleteAcls filter as a binding filter (v0 has no pattern type: LITERAL, its default). */
export function bindingFilter(f: { resourceTypeFilter: number; resourceNameFilter: string | null; patternTypeFilter: number; principalFilter: string | null; hostFilter: string | null; operation: number; permissionType: number }): AclBindingFilter {
  return {
    resourceType: f.resourceTypeFilter,
    resourceName: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permissionType: f.permissionType,
  };
}
