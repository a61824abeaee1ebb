/**
 * Checks a JSON Schema with ajv before the registry accepts it: the document against its draft's meta-schema, and every
 * `$ref` resolved, the referenced schemas added under the names the registry's references give them.
 */
import type { AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type AjvCore from 'ajv/dist/core';
import { toPlain, type JsonNode } from './json-text';
import type { NamedDocument } from './named-document';
import { addReferences, draftOfUrl, forAjv, newAjv, type Draft } from './ajv-drafts';

export type { Draft };

/** The draft a document's `$schema` names; Confluent reads anything else (or nothing) as draft-07. */
export function draftOf(schema: JsonNode): Draft {
  const url = schema.kind === 'object' ? schema.members.get('$schema') : undefined;
  return draftOfUrl(url?.kind === 'string' ? url.value : undefined);
}

/** Throws ajv's reason when the schema does not compile with its references. */
export function compileWithAjv(root: JsonNode, draft: Draft, references: readonly NamedDocument[], baseId?: string): void {
  const ajv = newAjv(draft, { validateSchema: false, allErrors: false });
  const refs = references.map((ref) => {
    const copy = forAjv(toPlain(ref.node), draft);
    checkMetaSchema(draft, copy, `referenced schema '${ref.name}': `);
    return { name: ref.name, schema: copy };
  });
  addReferences(ajv, refs, baseId, (name, e) => new Error(`referenced schema '${name}': ${e.message}`, { cause: e }));
  const copy = forAjv(toPlain(root), draft);
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
  if (ajv === undefined) metaValidators.set(draft, (ajv = addFormats(newAjv(draft, { validateSchema: true, allErrors: false }))));
  if (!ajv.validateSchema(copy as AnySchema)) throw new Error(`${what}schema is invalid: ${ajv.errorsText(ajv.errors)}`);
}
