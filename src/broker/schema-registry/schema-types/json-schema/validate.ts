/**
 * Checks a JSON Schema with ajv before the registry accepts it: the document against its draft's meta-schema, and every
 * `$ref` resolved, the referenced schemas added under the names the registry's references give them.
 */
import Ajv, { type AnySchema } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type AjvCore from 'ajv/dist/core';
import { toPlain, type JsonNode } from './json-text';
import type { NamedDocument } from './named-document';

export type Draft = 4 | 6 | 7 | 2019 | 2020;

const DRAFT_URLS: ReadonlyArray<readonly [string, Draft]> = [
  ['json-schema.org/draft-04/schema', 4],
  ['json-schema.org/draft-06/schema', 6],
  ['json-schema.org/draft-07/schema', 7],
  ['json-schema.org/draft/2019-09/schema', 2019],
  ['json-schema.org/draft/2020-12/schema', 2020],
];

/** The draft a document's `$schema` names; Confluent reads anything else (or nothing) as draft-07. */
export function draftOf(schema: JsonNode): Draft {
  const url = schema.kind === 'object' ? schema.members.get('$schema') : undefined;
  if (url?.kind !== 'string') return 7;
  const bare = url.value.replace(/^https?:\/\//, '').replace(/#$/, '');
  return DRAFT_URLS.find(([known]) => bare === known)?.[1] ?? 7;
}

/** Throws ajv's reason when the schema does not compile with its references. */
export function compileWithAjv(root: JsonNode, draft: Draft, references: readonly NamedDocument[], baseId?: string): void {
  const ajv = newAjv(draft, false);
  const added = new Map<string, unknown>();
  for (const ref of references) {
    const copy = ajvCopy(ref.node, draft);
    checkMetaSchema(draft, copy, `referenced schema '${ref.name}': `);
    for (const key of referenceKeys(ref.name, baseId)) {
      if (added.has(key)) continue;
      added.set(key, copy);
      try {
        ajv.addSchema(copy as AnySchema, key);
      } catch (e) {
        throw new Error(`referenced schema '${ref.name}': ${(e as Error).message}`, { cause: e });
      }
    }
  }
  const copy = ajvCopy(root, draft);
  checkMetaSchema(draft, copy, '');
  ajv.compile(copy as AnySchema);
}

/**
 * One validator per draft checks documents against the meta-schema: compiling a meta-schema is most of what ajv
 * costs (some 25 ms), and checking a document adds nothing to the instance. Compiling the document itself, with its
 * references, takes a fresh instance, as `$id`s must not collide between schemas.
 */
const metaValidators = new Map<Draft, AjvCore>();

function checkMetaSchema(draft: Draft, copy: unknown, what: string): void {
  let ajv = metaValidators.get(draft);
  if (ajv === undefined) metaValidators.set(draft, (ajv = addFormats(newAjv(draft, true))));
  if (!ajv.validateSchema(copy as AnySchema)) throw new Error(`${what}schema is invalid: ${ajv.errorsText(ajv.errors)}`);
}

function newAjv(draft: Draft, validateSchema: boolean): AjvCore {
  // strict: false because registry schemas may carry any annotation (Confluent's own "connect.*", "confluent:tags").
  const options = { strict: false, logger: false as const, allErrors: false, validateSchema };
  const ajv = draft === 2019 ? new Ajv2019(options) : draft === 2020 ? new Ajv2020(options) : new Ajv(options);
  // ajv refuses an `id` keyword outright; Confluent reads it as an annotation (everit's loader takes it as the id).
  ajv.removeKeyword('id');
  if (draft === 6) {
    const meta = require('ajv/dist/refs/json-schema-draft-06.json') as { $id: string };
    ajv.addMetaSchema(meta);
    ajv.opts.defaultMeta = meta.$id;
  }
  return ajv;
}

/** Under the registry name, and as resolved against the root's `$id`, which is how a relative `$ref` reaches it. */
function referenceKeys(name: string, baseId: string | undefined): string[] {
  const keys = [name];
  if (baseId !== undefined) {
    try {
      const resolved = new URL(name, baseId).href;
      if (resolved !== name) keys.push(resolved);
    } catch {
      // a base that is not a URL resolves nothing further
    }
  }
  return keys;
}

/**
 * The plain value ajv compiles. The top-level `$schema` goes: the Ajv class already speaks the root's draft, and
 * ajv would refuse a meta-schema it does not hold (draft-04, a newer draft in a reference, an unknown URL).
 */
function ajvCopy(node: JsonNode, draft: Draft): unknown {
  const plain = toPlain(node);
  if (plain !== null && typeof plain === 'object' && !Array.isArray(plain)) {
    delete (plain as Record<string, unknown>).$schema;
  }
  return draft === 4 ? fromDraft4(plain) : plain;
}

/**
 * ajv 8 has no draft-04 (ajv-draft-04 is not installed), so a draft-04 schema is checked as the draft-07 schema that
 * means the same: `id` becomes `$id`, and boolean exclusiveMinimum/Maximum become the numeric limits.
 */
function fromDraft4(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromDraft4);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) obj[key] = fromDraft4(obj[key]);
  if (typeof obj.id === 'string' && obj.$id === undefined) {
    obj.$id = obj.id;
    delete obj.id;
  }
  exclusiveFromDraft4(obj, 'exclusiveMinimum', 'minimum');
  exclusiveFromDraft4(obj, 'exclusiveMaximum', 'maximum');
  return obj;
}

function exclusiveFromDraft4(obj: Record<string, unknown>, exclusive: string, limit: string): void {
  if (typeof obj[exclusive] !== 'boolean') return;
  if (obj[exclusive] === true && typeof obj[limit] === 'number') {
    obj[exclusive] = obj[limit];
    delete obj[limit];
  } else {
    delete obj[exclusive];
  }
}
