/**
 * Protobuf payloads: Confluent's message indexes, then the message, shown in the proto3 JSON mapping as Java's
 * JsonFormat.printer() prints it (lowerCamelCase JSON names, 64-bit integers as strings, enums by name, bytes as
 * base64, fields at their default left out, the well-known types in their JSON forms), which protobufjs's protojson
 * writes. Floats are first cut to the shortest decimal that is the same float, as Java prints them.
 */
import * as protobuf from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';
import type { ResolvedSchema, SchemaCodec } from './codec';
import { shortestFloat32 } from './float32';
import { indexesOf, loadProtobufSchema, messageAt, type ProtobufSchema } from './protobuf-schema';
import { protobufProblems } from './protobuf-validate';
import { SchemaValidationError } from './serde-types';
import { readMessageIndexes, writeMessageIndexes } from './wire-format';

export function protobufCodec(resolved: ResolvedSchema): SchemaCodec {
  const schema = loadProtobufSchema(resolved);
  if (schema.messages.length === 0) throw new Error('it declares no message');
  return {
    decode: (payload) => decode(schema, payload),
    encode: (value, messageName) => encode(schema, value, messageName),
  };
}

function decode(schema: ProtobufSchema, payload: Uint8Array): { json: string; messageName: string } {
  try {
    const { indexes, offset } = readMessageIndexes(payload);
    const name = messageAt(schema, indexes);
    return { json: messageJson(schema, name, payload.subarray(offset)), messageName: name };
  } catch (e) {
    // @kafkajs/confluent-schema-registry writes the first message with no indexes before it. Such a payload never
    // starts with byte 0 (there is no field 0), which is how Confluent's own start when they point at [0].
    if (payload.length === 0 || payload[0] !== 0) {
      try {
        const name = schema.messages[0].name;
        return { json: messageJson(schema, name, payload), messageName: name };
      } catch {
        // not that either: the first reason is the one to give
      }
    }
    throw e;
  }
}

function messageJson(schema: ProtobufSchema, name: string, bytes: Uint8Array): string {
  const type = schema.root.lookupType(name);
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(/index out of range/.test(why) ? `the ${name} message ends early (${why})` : `${name}: ${why}`, { cause: e });
  }
  shortenFloats(type, message as unknown as Record<string, unknown>);
  return JSON.stringify(protojson.toJson(type, message));
}

function encode(schema: ProtobufSchema, value: unknown, messageName: string | undefined): { payload: Uint8Array; messageName: string } {
  let target: { indexes: number[]; name: string };
  try {
    target = indexesOf(schema, messageName);
  } catch (e) {
    throw new SchemaValidationError((e as Error).message, [(e as Error).message]);
  }
  const type = schema.root.lookupType(target.name);
  const problems = protobufProblems(type, value);
  let message: protobuf.Message | undefined;
  if (problems.length === 0) {
    try {
      message = protojson.fromJson(type, value);
    } catch (e) {
      problems.push(`/ is not valid: ${(e as Error).message}`);
    }
  }
  if (message === undefined) throw new SchemaValidationError(`the value does not fit ${target.name}`, problems);
  const indexes = writeMessageIndexes(target.indexes);
  const body = type.encode(message).finish();
  const payload = new Uint8Array(indexes.length + body.length);
  payload.set(indexes);
  payload.set(body, indexes.length);
  return { payload, messageName: target.name };
}

const floatTypes = new WeakMap<protobuf.Type, boolean>();

/** Whether a float can be anywhere in the message (most have none, and need no walk). */
function holdsFloats(type: protobuf.Type): boolean {
  let known = floatTypes.get(type);
  if (known === undefined) {
    const seen = new Set<protobuf.Type>();
    const visit = (t: protobuf.Type): boolean => {
      if (seen.has(t)) return false;
      seen.add(t);
      return t.fieldsArray.some((f) => f.type === 'float' || (f.resolvedType instanceof protobuf.Type && visit(f.resolvedType)));
    };
    floatTypes.set(type, (known = visit(type)));
  }
  return known;
}

function shortenFloats(type: protobuf.Type, message: Record<string, unknown>): void {
  if (!holdsFloats(type)) return;
  for (const field of type.fieldsArray) {
    // Only fields the message holds itself: a default on the prototype is not on the wire.
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const nested = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (field.type !== 'float' && nested === undefined) continue;
    const fix = (v: unknown): unknown => {
      if (nested) {
        if (v !== null && typeof v === 'object') shortenFloats(nested, v as Record<string, unknown>);
        return v;
      }
      return typeof v === 'number' ? shortestFloat32(v) : v;
    };
    const v = message[field.name];
    if (field.map && v !== null && typeof v === 'object') for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = fix((v as Record<string, unknown>)[k]);
    else if (Array.isArray(v)) v.forEach((x, i) => (v[i] = fix(x)));
    else message[field.name] = fix(v);
  }
}
