/**
 * Every place where JSON input does not fit a Protobuf message, in the proto3 JSON mapping (field names as declared
 * or in lowerCamelCase, 64-bit integers as numbers or strings, enums by name or number, bytes as base64, the
 * well-known types in their JSON forms). protobufjs's protojson reads the input, but stops at the first problem and
 * names fields by their full protobuf name; this walks the message itself, so that each problem carries the JSON path
 * of the input, and hands protojson one field at a time to judge a value.
 */
import * as protobuf from 'protobufjs';
import * as protojson from 'protobufjs/ext/protojson';

/** Messages whose JSON form is not an object of their fields: protojson judges them whole. */
const SPECIAL_JSON = /^\.google\.protobuf\.(Any|Duration|Timestamp|FieldMask|Struct|Value|ListValue|(Double|Float|Int64|UInt64|Int32|UInt32|Bool|String|Bytes)Value)$/;

/** Problems as "<path> <what is wrong>", the path a JSON pointer into the input ("/" for the whole value). */
export function protobufProblems(type: protobuf.Type, value: unknown): string[] {
  const problems: string[] = [];
  checkMessage(type, value, '', problems);
  return problems;
}

function checkMessage(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  const at = path || '/';
  if (SPECIAL_JSON.test(type.fullName)) {
    judge(() => protojson.fromJson(type, value), at, problems);
    return;
  }
  if (!isObject(value)) {
    problems.push(`${at} must be an object (message ${type.fullName.slice(1)}), not ${show(value)}`);
    return;
  }
  const oneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const fieldPath = `${path}/${pointer(key)}`;
    const field = fieldNamed(type, key);
    if (field === undefined) {
      problems.push(`${fieldPath} is not a field of ${type.fullName.slice(1)} (its fields: ${type.fieldsArray.map((f) => f.name).join(', ')})`);
      continue;
    }
    // proto3 JSON: null is the field's default (google.protobuf.Value takes it as its null).
    if (v === null) continue;
    const oneof = field.partOf;
    if (oneof) {
      const other = oneofs.get(oneof.name);
      if (other !== undefined) problems.push(`${fieldPath} and ${other} are both set, but they are in oneof ${oneof.name}: set one`);
      else oneofs.set(oneof.name, fieldPath);
    }
    checkField(type, field, key, v, fieldPath, problems);
  }
  // proto2's required fields: protobufjs would write the message without them, and Java refuse to read it.
  for (const field of type.fieldsArray) {
    if (field.required && ![field.name, field.jsonName, field.protoName].some((n) => n !== undefined && value[n] !== undefined && value[n] !== null)) {
      problems.push(`${path}/${pointer(field.jsonName ?? field.name)} is missing, and the field is required`);
    }
  }
}

function checkField(type: protobuf.Type, field: protobuf.Field, key: string, value: unknown, path: string, problems: string[]): void {
  const message = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  const one = (v: unknown, at: string, wrap: (x: unknown) => unknown): void => {
    if (message) checkMessage(message, v, at, problems);
    else if (field.long && typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
      problems.push(`${at} is beyond 2^53, where a JSON number has lost digits: write the ${field.type} as a string ("…")`);
    } else judge(() => protojson.fromJson(type, { [key]: wrap(v) }), at, problems);
  };
  if (field.map) {
    if (!isObject(value)) problems.push(`${path} must be an object (a map), not ${show(value)}`);
    else
      for (const [k, v] of Object.entries(value)) {
        const keyProblem = mapKeyProblem((field as unknown as protobuf.MapField).keyType, k);
        if (keyProblem !== undefined) problems.push(`${path}/${pointer(k)} ${keyProblem}`);
        else one(v, `${path}/${pointer(k)}`, (x) => ({ [k]: x }));
      }
  } else if (field.repeated) {
    if (!Array.isArray(value)) problems.push(`${path} must be an array, not ${show(value)}`);
    else value.forEach((v, i) => one(v, `${path}/${i}`, (x) => [x]));
  } else one(value, path, (x) => x);
}

const KEY_RANGES: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** Why a JSON object key is not a key of the map's key type, if it is not. */
function mapKeyProblem(keyType: string, key: string): string | undefined {
  if (keyType === 'string') return undefined;
  if (keyType === 'bool') return key === 'true' || key === 'false' ? undefined : `is not a bool map key ("true" or "false")`;
  const range = KEY_RANGES[keyType];
  if (range === undefined) return undefined;
  if (!/^-?\d+$/.test(key) || BigInt(key) < range[0] || BigInt(key) > range[1]) return `is not a map key of type ${keyType} (${range[0]} to ${range[1]})`;
  return undefined;
}

function fieldNamed(type: protobuf.Type, key: string): protobuf.Field | undefined {
  return type.fieldsArray.find((f) => f.name === key || f.jsonName === key || f.protoName === key);
}

/** protojson's reason, without the full protobuf name it starts with ("pkg.Msg.field: "). */
function judge(read: () => unknown, at: string, problems: string[]): void {
  try {
    read();
  } catch (e) {
    const reason = (e as Error).message.replace(/^\.?[\w.]+: /, '');
    problems.push(`${at} is not valid: ${reason}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
