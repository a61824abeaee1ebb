// DescribeAcls 0-3: there is no authorizer, so Kafka's answer is SECURITY_DISABLED (kafka-acls.sh --list and admin
// clients show "No Authorizer is configured on the broker").
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { NO_AUTHORIZER } from './acl-common';

export default defineHandler({
  apiKey: 29,
  minVersion: 0,
  maxVersion: 3,
  handle() {
    return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: `${NO_AUTHORIZER} on the broker`, resources: [] };
  },
});
