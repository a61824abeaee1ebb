/**
 * How a connection is throttled (KIP-219): a request over its client's quota is answered at once, carrying its
 * ThrottleTimeMs, and the connection is muted for that long: nothing more is read from it until the time has passed.
 * Clients from Kafka 2.0 on hold back by themselves on seeing the throttle time; older ones simply find their next
 * request waiting. The time the request takes is the larger of what its bytes (Produce, Fetch) and its handling time
 * call for.
 */
import type { QuotaManagers } from '../../broker/quota/quota-managers';
import { NANOS_TO_PERCENTAGE_PER_SECOND } from '../../broker/quota/quota-managers';

/** Requests outside the request-time quota: SASL's, which come before the client is known, as in Kafka. */
const REQUEST_QUOTA_EXEMPT = new Set([17, 36]);

interface ThrottleInput {
  apiKey: number;
  user: string;
  clientId: string;
  /** The request's size (Produce's bytes). */
  requestBytes: number;
  /** Time spent decoding and handling the request. */
  handlerNanos: number;
  /** A throttle the handler already decided (Fetch's, on its answer's bytes). */
  handlerThrottleMs: number;
  now: number;
}

/** The throttle time of a request, recording its bytes and time against its client's quotas. */
export function throttleTimeOf(quotas: QuotaManagers, t: ThrottleInput): number {
  const bytes = t.apiKey === 0 ? quotas.produce.recordAndGetThrottleTimeMs(t.user, t.clientId, t.requestBytes, t.now) : 0;
  const time = REQUEST_QUOTA_EXEMPT.has(t.apiKey) ? 0 : quotas.request.recordAndGetThrottleTimeMs(t.user, t.clientId, t.handlerNanos * NANOS_TO_PERCENTAGE_PER_SECOND, t.now);
  // The throttle is counted against the quota that called for the longest, as Kafka throttles through that manager.
  if (bytes > 0 && bytes >= time && bytes >= t.handlerThrottleMs) quotas.produce.noteThrottle(t.user, t.clientId, bytes, t.now);
  else if (time > 0 && time >= t.handlerThrottleMs) quotas.request.noteThrottle(t.user, t.clientId, time, t.now);
  return Math.max(bytes, time, t.handlerThrottleMs);
}
