/**
 * ACLs on any cluster through Kafka's own APIs (DescribeAcls, CreateAcls, DeleteAcls), as kafka-acls.sh reaches
 * them: Tributary with its authorizer on, Apache Kafka, Redpanda. Bindings use Kafka's codes, as the broker does.
 */
import type { Admin } from '@platformatic/kafka';
import type { AclBinding, AclBindingFilter } from '../broker/security/acl-binding';
import { call } from './external-cluster-errors';

type LibAcl = Parameters<Admin['createAcls']>[0]['creations'][number];
type LibFilter = Parameters<Admin['deleteAcls']>[0]['filters'][number];

const toLib = (b: AclBinding): LibAcl => ({ ...b, resourcePatternType: b.patternType }) as unknown as LibAcl;
const filterToLib = (f: AclBindingFilter): LibFilter => ({ ...f, resourcePatternType: f.patternType }) as unknown as LibFilter;
const fromLib = (a: { resourceType: number; resourceName: string; resourcePatternType: number; principal: string; host: string; operation: number; permissionType: number }): AclBinding => ({
  resourceType: a.resourceType,
  resourceName: a.resourceName,
  patternType: a.resourcePatternType,
  principal: a.principal,
  host: a.host,
  operation: a.operation,
  permissionType: a.permissionType,
});

export class Acls {
  constructor(private readonly admin: Admin) {}

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const resources = await call(() => this.admin.describeAcls({ filter: filterToLib(filter) }));
    return resources.flatMap((r) => r.acls.map((a) => fromLib({ ...r, ...a })));
  }

  async createAcls(bindings: AclBinding[]): Promise<void> {
    await call(() => this.admin.createAcls({ creations: bindings.map(toLib) }));
  }

  /** The ACLs the filters matched, now gone. */
  async deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[]> {
    const deleted = await call(() => this.admin.deleteAcls({ filters: filters.map(filterToLib) }));
    return deleted.map((a) => fromLib(a as never));
  }
}
