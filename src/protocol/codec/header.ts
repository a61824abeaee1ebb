/**
 * Request and response headers (protocol.html "Headers"), hand-written because every frame goes through them.
 *
 * Request header v0: api_key int16, api_version int16, correlation_id int32 (only ControlledShutdown v0 uses it).
 * Request header v1: v0 + client_id NULLABLE_STRING (int16 length).
 * Request header v2: v1 + TAGGED_FIELDS. client_id keeps its int16 length even in this flexible header, so that any
 *   broker can read the client id of an ApiVersions request of a version it does not know.
 * Response header v0: correlation_id int32.
 * Response header v1: v0 + TAGGED_FIELDS. ApiVersions responses always use v0, even in flexible versions, so that a
 *   client can parse the answer to a version the broker did not support.
 * Which version a given api key / api version uses: requestHeaderVersion / responseHeaderVersion in
 * src/protocol/messages/index.ts.
 */
import { Reader, type RawTaggedField } from './reader';
import { Writer } from './writer';
import { ProtocolDecodeError, UnsupportedVersionError } from './errors';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** null in header v0 and when the client sent a null client id. */
  clientId: string | null;
  /** Tagged fields of header v2 (none is defined by Kafka today), when any were sent. */
  taggedFields?: RawTaggedField[];
}

export interface ResponseHeader {
  correlationId: number;
  taggedFields?: RawTaggedField[];
}

export function readRequestHeader(r: Reader, headerVersion: number): RequestHeader {
  if (headerVersion < 0 || headerVersion > 2) throw new UnsupportedVersionError(`request header version ${headerVersion}`);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = headerVersion >= 1 ? r.nullableString(false) : null;
  const h: RequestHeader = { apiKey, apiVersion, correlationId, clientId };
  if (headerVersion >= 2) {
    const tagged = r.unknownTaggedFields();
    if (tagged) h.taggedFields = tagged;
  }
  return h;
}

export function writeRequestHeader(w: Writer, headerVersion: number, h: RequestHeader): void {
  if (headerVersion < 0 || headerVersion > 2) throw new UnsupportedVersionError(`request header version ${headerVersion}`);
  w.int16(h.apiKey);
  w.int16(h.apiVersion);
  w.int32(h.correlationId);
  if (headerVersion >= 1) w.nullableString(false, h.clientId);
  if (headerVersion >= 2) w.unknownTaggedFields(h.taggedFields);
}

/** The api key and version of a request frame, without consuming anything (both are at fixed offsets). */
export function peekRequestApi(frame: Buffer, offset = 0): { apiKey: number; apiVersion: number } {
  if (frame.length - offset < 4) throw new ProtocolDecodeError('request shorter than its api key and version', offset);
  return { apiKey: frame.readInt16BE(offset), apiVersion: frame.readInt16BE(offset + 2) };
}

export function readResponseHeader(r: Reader, headerVersion: number): ResponseHeader {
  if (headerVersion < 0 || headerVersion > 1) throw new UnsupportedVersionError(`response header version ${headerVersion}`);
  const h: ResponseHeader = { correlationId: r.int32() };
  if (headerVersion >= 1) {
    const tagged = r.unknownTaggedFields();
    if (tagged) h.taggedFields = tagged;
  }
  return h;
}

export function writeResponseHeader(w: Writer, headerVersion: number, correlationId: number, taggedFields?: readonly RawTaggedField[]): void {
  if (headerVersion < 0 || headerVersion > 1) throw new UnsupportedVersionError(`response header version ${headerVersion}`);
  w.int32(correlationId);
  if (headerVersion >= 1) w.unknownTaggedFields(taggedFields);
}
