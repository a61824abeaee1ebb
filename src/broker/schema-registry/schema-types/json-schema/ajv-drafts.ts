/**
 * ajv set up as Confluent's JSON Schema support reads schemas, shared by the registry (which checks a schema before
 * taking it) and the extension's serializer (which checks values against it): the draft a `$schema` names, an ajv
 * instance for that draft, the names a reference is reachable under, and the plain schema ajv compiles (draft-04
 * translated, since ajv 8 has none).
 */
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type AjvCore from 'ajv/dist/core';

export type Draft = 4 | 6 | 7 | 2019 | 2020;

const DRAFT_URLS: ReadonlyArray<readonly [string, Draft]> = [
  ['json-schema.org/draft-04/schema', 4],
  ['json-schema.org/draft-06/schema', 6],
  ['json-schema.org/draft-07/schema', 7],
  ['json-schema.org/draft/2019-09/schema', 2019],
  ['json-schema.org/draft/2020-12/schema', 2020],
];

/** The draft a `$schema` URL names; Confluent reads anything else (or nothing) as draft-07. */
export function draftOfUrl(url: unknown): Draft {
  if (typeof url !== 'string') return 7;
  const bare = url.replace(/^https?:\/\//, '').replace(/#$/, '');
  return DRAFT_URLS.find(([known]) => bare === known)?.[1] ?? 7;
}

export function newAjv(draft: Draft, o: { validateSchema: boolean; allErrors: boolean }): AjvCore {
  // strict: false because registry schemas may carry any annotation (Confluent's own "connect.*", "confluent:tags").
  const options = { strict: false, logger: false as const, allErrors: o.allErrors, validateSchema: o.validateSchema };
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

/**
 * Adds the references under their registry names and as resolved against the root's `$id` (how a relative `$ref`
 * reaches them). A reference whose own `$id` is the URL its name resolves to is there already: ajv files a schema
 * under its `$id` too, and would refuse it a second time.
 */
export function addReferences(ajv: AjvCore, references: ReadonlyArray<{ name: string; schema: unknown }>, baseId: string | undefined, refused: (name: string, e: Error) => Error): void {
  const added = new Set<string>();
  for (const ref of references) {
    const keys = referenceKeys(ref.name, baseId);
    const own = ownId(ref.schema);
    for (const key of keys) {
      if (added.has(key)) continue;
      if (key !== ref.name && key === own && added.has(ref.name)) continue;
      added.add(key);
      try {
        ajv.addSchema(ref.schema as object, key);
      } catch (e) {
        throw refused(ref.name, e as Error);
      }
    }
  }
}

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

function ownId(schema: unknown): string | undefined {
  const id = isObject(schema) ? schema.$id : undefined;
  return typeof id === 'string' ? id.replace(/#$/, '') : undefined;
}

/**
 * The plain schema ajv compiles, changed in place: without the top-level `$schema` (the Ajv class already speaks the
 * root's draft, and would refuse a meta-schema it does not hold), and a draft-04 schema as the draft-07 one that means
 * the same: `id` as `$id`, boolean exclusiveMinimum/Maximum as the numeric limits.
 */
export function forAjv(schema: unknown, draft: Draft): unknown {
  if (isObject(schema)) delete schema.$schema;
  return draft === 4 ? fromDraft4(schema) : schema;
}

function fromDraft4(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromDraft4);
  if (!isObject(value)) return value;
  for (const key of Object.keys(value)) value[key] = fromDraft4(value[key]);
  if (typeof value.id === 'string' && value.$id === undefined) {
    value.$id = value.id;
    delete value.id;
  }
  for (const [exclusive, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof value[exclusive] !== 'boolean') continue;
    if (value[exclusive] === true && typeof value[limit] === 'number') {
      value[exclusive] = value[limit];
      delete value[limit];
    } else delete value[exclusive];
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
