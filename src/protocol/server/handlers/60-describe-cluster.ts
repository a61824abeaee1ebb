// DescribeCluster v0-1: the nodes that listen (as Metadata advertises them), the controller and the cluster id;
// v1's endpointType: these are broker endpoints, so asking them for controllers is MISMATCHED_ENDPOINT_TYPE.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { DescribeClusterResponseData } from '../../messages/describe-cluster-response';
import { OPERATIONS_NOT_REQUESTED } from '../../../broker/security/acl-operations';
import { clusterAuthorizedOperations } from '../authorize';

const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;

export default defineHandler({
  apiKey: 60,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    const base: DescribeClusterResponseData = {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: ENDPOINT_BROKER,
      clusterId: ctx.cluster.metadata.clusterId,
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    };
    if (ctx.apiVersion >= 1 && req.endpointType !== ENDPOINT_BROKER) {
      if (req.endpointType === ENDPOINT_CONTROLLER) {
        return { ...base, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER' };
      }
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${req.endpointType}` };
    }
    return {
      ...base,
      controllerId: ctx.cluster.controllerId,
      brokers: ctx.server
        .listeners()
        .map((l) => ({ brokerId: l.nodeId, host: l.host, port: l.port, rack: ctx.cluster.rackOf(l.nodeId) }))
        .sort((a, b) => a.brokerId - b.brokerId),
      clusterAuthorizedOperations: clusterAuthorizedOperations(ctx, req.includeClusterAuthorizedOperations),
    };
  },
});
