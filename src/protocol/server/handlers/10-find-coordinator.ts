// FindCoordinator 0-4: the coordinator of a group is the leader of its __consumer_offsets partition, that of a
// transactional id the leader of its __transaction_state partition (each topic created on first use); v4 answers
// several keys at once. With an authorizer, as Kafka's KafkaApis: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED)
// or on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), per key from v4, before anything else.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { Coordinator } from '../../messages/find-coordinator-response';
import { AclOperation, ResourceType, authorize } from '../authorize';

const GROUP = 0;
const TRANSACTION = 1;

export default defineHandler({
  apiKey: 10,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const lookup = (key: string, keyType: number): Coordinator => {
      const fail = (errorCode: number, errorMessage: string | null): Coordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage });
      // Kafka sets no message on a v4 coordinator it refuses; before v4 its error response carries the error's default text.
      const denied = (errorCode: number, message: string) => fail(errorCode, ctx.apiVersion >= 4 ? null : message);
      if (keyType === GROUP && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, key)) return denied(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
      if (keyType === TRANSACTION && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) return denied(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.');
      if (keyType !== GROUP && keyType !== TRANSACTION) return fail(ErrorCode.INVALID_REQUEST, `unknown coordinator key type ${keyType}`);
      if (!key) return fail(ErrorCode.INVALID_REQUEST, keyType === GROUP ? 'empty group id' : 'empty transactional id');
      let nodeId: number;
      if (keyType === GROUP) {
        ctx.cluster.offsetsTopic.ensure();
        nodeId = ctx.cluster.groupCoordinator.coordinatorFor(key);
      } else {
        ctx.cluster.transactionTopic.ensure();
        nodeId = ctx.cluster.transactionCoordinator.coordinatorFor(key);
      }
      const l = ctx.server.listeners().find((x) => x.nodeId === nodeId);
      if (!l) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the coordinator is not available');
      return { key, nodeId, host: l.host, port: l.port, errorCode: ErrorCode.NONE, errorMessage: null };
    };
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 0, host: '', port: 0, coordinators: req.coordinatorKeys.map((k) => lookup(k, req.keyType)) };
    }
    const c = lookup(req.key, ctx.apiVersion >= 1 ? req.keyType : GROUP);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: ctx.apiVersion >= 1 ? c.errorMessage : null, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
});
