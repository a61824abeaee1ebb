/**
 * JSON Schema payloads: UTF-8 JSON text. Decoding shows the text as it is, only without its insignificant whitespace
 * (parsing and printing it again would round integers beyond 2^53 and rewrite escapes). Encoding checks the value with
 * ajv against the schema's draft, as the broker's registry compiles schemas (../broker/.../json-schema/validate.ts),
 * with every problem reported, then writes JSON.stringify of it.
 */
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { addReferences, draftOfUrl, forAjv, newAjv } from '../broker/schema-registry/schema-types/json-schema/ajv-drafts';
import { referencesInOrder, type ResolvedSchema, type SchemaCodec } from './codec';
import { SchemaValidationError } from './serde-types';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function jsonSchemaCodec(resolved: ResolvedSchema): SchemaCodec {
  const validate = compile(resolved);
  return {
    decode: (payload) => ({ json: compactJson(payload) }),
    encode: (value) => {
      if (!validate(value)) throw new SchemaValidationError('the value does not fit the JSON schema', (validate.errors ?? []).map(describe));
      return { payload: new TextEncoder().encode(JSON.stringify(value)) };
    },
  };
}

function compile(resolved: ResolvedSchema): ValidateFunction {
  const root = JSON.parse(resolved.schema) as unknown;
  const draft = draftOfUrl(isObject(root) ? root.$schema : undefined);
  const ajv = addFormats(newAjv(draft, { validateSchema: false, allErrors: true }));
  const baseId = isObject(root) && typeof root.$id === 'string' ? root.$id : undefined;
  const refs = referencesInOrder(resolved).map((ref) => ({ name: ref.name, schema: forAjv(JSON.parse(ref.resolved.schema), draft), ref }));
  addReferences(ajv, refs, baseId, (name, e) => {
    const ref = refs.find((r) => r.name === name)!.ref;
    return new Error(`its reference '${name}' (${ref.subject} version ${ref.version}) cannot be used: ${e.message}`, { cause: e });
  });
  return ajv.compile(forAjv(root, draft) as AnySchema);
}

/** "<path> <message>", naming the property ajv's message leaves out. */
function describe(e: ErrorObject): string {
  const path = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${path} must not have the property '${String(params.additionalProperty)}'`;
  if (e.keyword === 'unevaluatedProperties') return `${path} must not have the property '${String(params.unevaluatedProperty)}'`;
  return `${path} ${e.message ?? e.keyword}`;
}

/** The payload's JSON text with the whitespace between tokens taken out; throws when it is not UTF-8 JSON. */
function compactJson(payload: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    throw new Error('it is not UTF-8 text');
  }
  JSON.parse(text);
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
