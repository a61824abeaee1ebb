// CreateAcls 0-3: without an authorizer every creation is SECURITY_DISABLED, as in Kafka.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER } from './acl-common';

export default defineHandler({
  apiKey: 30,
  minVersion: 0,
  maxVersion: 3,
  handle(_ctx, req) {
    return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: `${NO_AUTHORIZER}.` })) };
  },
});
