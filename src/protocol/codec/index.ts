/**
 * Kafka wire-protocol primitives (hand-written); the message codecs generated from Kafka's schemas live in
 * src/protocol/messages/ (scripts/gen-protocol.mjs, `npm run gen-protocol`).
 *
 * Representation choices, shared by the generated code:
 * - int64 is a JS number (exact within +-2^53; Long.MAX_VALUE reads as 2^63 and is written back as Long.MAX_VALUE).
 * - uuid is a 32-character lowercase hex string (ZERO_UUID is the default; uuidToKafkaString for Kafka's base64 form).
 * - bytes and records are Buffers; decoded ones are zero-copy slices of the input frame.
 * - Writer emits a list of chunks (toChunks) and links large buffers (records) instead of copying them.
 *
 * Serving a request, in short:
 *   const { apiKey, apiVersion } = peekRequestApi(frame);
 *   const codec = getApiCodec(apiKey);                                  // from '../messages'
 *   const r = new Reader(frame);
 *   const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
 *   const request = codec.decodeRequest(r, apiVersion);
 *   const w = new Writer();
 *   const size = w.beginSizePrefix();
 *   writeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), header.correlationId);
 *   codec.encodeResponse(w, apiVersion, response);
 *   w.endSizePrefix(size);
 *   socket.cork(); for (const c of w.toChunks()) socket.write(c); socket.uncork();
 */
export * from './errors';
export * from './reader';
export * from './writer';
export * from './uuid';
export * from './header';

/** The default of bytes fields: a shared empty Buffer (never written to: it has no bytes). */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);
