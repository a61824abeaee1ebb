/**
 * Where a `$ref` points: the schema documents (the one registered and the ones its references bring) indexed by the
 * URLs and names a reference may use, by the `$id`s and anchors inside them, and by JSON pointer.
 */
import type { JsonNode } from './json-text';
import type { NamedDocument } from './named-document';
import type { Draft } from './validate';

// Re-exported for the JSON Schema provider, which takes it from here; it lives apart so validate.ts need not import this module.
export type { NamedDocument } from './named-document';

/** The base Confluent gives a schema without `$id` (JsonSchema.DEFAULT_BASE_URI); relative names resolve under it. */
const DEFAULT_BASE = 'mem://input/';

/** Keywords whose values are data, not subschemas: an `$id` inside them is not an identifier. */
const VALUE_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

export class Documents {
  private readonly baseOf = new Map<JsonNode, string>();
  private readonly byUrl = new Map<string, JsonNode>();
  private readonly byName = new Map<string, JsonNode>();
  private readonly anchors = new Map<string, JsonNode>();
  readonly rootBase: string;

  constructor(
    readonly root: JsonNode,
    references: readonly NamedDocument[],
    private readonly draft: Draft,
  ) {
    this.rootBase = rootBaseOf(root, draft);
    this.index(root, this.rootBase);
    for (const ref of references) {
      if (this.byName.has(ref.name)) continue;
      this.byName.set(ref.name, ref.node);
      const base = resolveUrl(ref.name, this.rootBase) ?? ref.name;
      if (this.byUrl.has(withoutFragment(base))) continue;
      this.byUrl.set(withoutFragment(base), ref.node);
      this.index(ref.node, base);
    }
  }

  /** The node a `$ref` found at `from` names, or undefined when nothing known matches it. */
  resolve(ref: string, from: JsonNode): JsonNode | undefined {
    const base = this.baseOf.get(from) ?? this.rootBase;
    const absolute = resolveUrl(ref, base);
    const hash = ref.indexOf('#');
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    const docPart = hash < 0 ? ref : ref.slice(0, hash);
    const resource =
      (absolute !== undefined ? this.byUrl.get(withoutFragment(absolute)) : undefined) ??
      this.byName.get(docPart) ??
      this.byName.get(docPart.replace(/^\.\//, ''));
    if (resource === undefined) return undefined;
    if (fragment === '') return resource;
    if (fragment.startsWith('/')) return pointer(resource, fragment);
    const resourceUrl = absolute !== undefined ? withoutFragment(absolute) : docPart;
    return this.anchors.get(`${resourceUrl}#${fragment}`);
  }

  /** Records every schema's base URI (an `$id` changes it for what is under it) and the identifiers on the way. */
  private index(node: JsonNode, base: string): void {
    if (node.kind === 'array') {
      for (const item of node.items) this.index(item, base);
      return;
    }
    if (node.kind !== 'object') return;
    let here = base;
    const id = idOf(node, this.draft);
    if (id !== undefined && id.startsWith('#')) this.anchors.set(`${withoutFragment(base)}${id}`, node);
    else if (id !== undefined) here = resolveUrl(id, base) ?? base;
    if (!this.byUrl.has(withoutFragment(here))) this.byUrl.set(withoutFragment(here), node);
    const anchor = node.members.get('$anchor');
    if (anchor?.kind === 'string') this.anchors.set(`${withoutFragment(here)}#${anchor.value}`, node);
    this.baseOf.set(node, here);
    for (const [key, value] of node.members) if (!VALUE_KEYWORDS.has(key)) this.index(value, here);
  }
}

/** The URI the root's relative references resolve against: its `$id`, under Confluent's default base. */
export function rootBaseOf(root: JsonNode, draft: Draft): string {
  return resolveUrl(idOf(root, draft) ?? '', DEFAULT_BASE) ?? DEFAULT_BASE;
}

/** `$id` (draft-04's `id`) when it is a string; a property *named* `$id` holds an object, so it is not taken. */
export function idOf(node: JsonNode, draft: Draft): string | undefined {
  if (node.kind !== 'object') return undefined;
  const id = node.members.get(draft === 4 ? 'id' : '$id');
  return id?.kind === 'string' ? id.value : undefined;
}

function resolveUrl(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    return undefined;
  }
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

/** RFC 6901, as it appears in a URI fragment (percent-encoded). */
function pointer(node: JsonNode, fragment: string): JsonNode | undefined {
  let current: JsonNode | undefined = node;
  for (const raw of fragment.slice(1).split('/')) {
    const token = safeDecode(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (current?.kind === 'object') current = current.members.get(token);
    else if (current?.kind === 'array' && /^\d+$/.test(token)) current = current.items[Number(token)];
    else return undefined;
  }
  return current;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
