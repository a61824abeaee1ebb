// DeleteAcls 0-3: without an authorizer every filter is SECURITY_DISABLED and matches nothing, as in Kafka.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER } from './acl-common';

export default defineHandler({
  apiKey: 31,
  minVersion: 0,
  maxVersion: 3,
  handle(_ctx, req) {
    return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: `${NO_AUTHORIZER}.`, matchingAcls: [] })) };
  },
});
