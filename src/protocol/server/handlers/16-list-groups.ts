// ListGroups 0-5: the groups this node coordinates, with their state (v4+, filterable) and type (v5+, "classic" or
// "consumer", filterable); a consumer protocol group's protocol type is "consumer". With an authorizer, as Kafka's
// KafkaApis: DESCRIBE on the cluster lists every group, otherwise only those the principal may DESCRIBE.
import { defineHandler } from '../handler';
import { AclOperation, ResourceType, authorize, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 16,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const v = ctx.apiVersion;
    const gc = ctx.cluster.groupCoordinator;
    const states = v >= 4 ? req.statesFilter.map((s) => s.trim().toLowerCase()) : [];
    const types = v >= 5 ? req.typesFilter.map((s) => s.trim().toLowerCase()) : [];
    // A filter, not a refusal: Kafka logs none of these denials.
    const all = authorizeCluster(ctx, AclOperation.DESCRIBE, false);
    const groups = gc
      .allGroups()
      .filter((g) => gc.coordinatorFor(g.groupId) === ctx.nodeId)
      .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
      .filter((g) => types.length === 0 || types.includes(g.type))
      .filter((g) => all || authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId, false))
      .map((g) => ({ groupId: g.groupId, protocolType: g.type === 'consumer' ? 'consumer' : (g.protocolType ?? ''), groupState: v >= 4 ? g.state : '', groupType: v >= 5 ? g.type : '' }));
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
