// DescribeCluster v0-1: the nodes that listen (as Metadata advertises them), the controller and the cluster id;
// v1's endpointType: these are broker endpoints, so asking them for controllers is MISMATCHED_ENDPOINT_TYPE.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { DescribeClusterResponseData } from '../../messages/describe-cluster-response';

const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;
const NO_OPERATIONS = -2147483648;

/**
 * The operations on the cluster resource a client may perform, as Kafka computes them without an authorizer: all
 * the cluster's operations (ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11,
 * IDEMPOTENT_WRITE 12, CREATE 5), one bit per AclOperation code.
 */
export const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

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
      clusterAuthorizedOperations: NO_OPERATIONS,
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
        .map((l) => ({ brokerId: l.nodeId, host: l.host, port: l.port, rack: null }))
        .sort((a, b) => a.brokerId - b.brokerId),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NO_OPERATIONS,
    };
  },
});
