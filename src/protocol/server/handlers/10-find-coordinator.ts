// FindCoordinator 0-4: the coordinator of a group is the leader of its __consumer_offsets partition, that of a
// transactional id the leader of its __transaction_state partition (each topic created on first use); v4 answers
// several keys at once.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { Coordinator } from '../../messages/find-coordinator-response';

const GROUP = 0;
const TRANSACTION = 1;

export default defineHandler({
  apiKey: 10,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    const lookup = (key: string, keyType: number): Coordinator => {
      const fail = (errorCode: number, errorMessage: string): Coordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode, errorMessage });
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
