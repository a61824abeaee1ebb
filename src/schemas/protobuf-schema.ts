/**
 * A Protobuf schema as protobufjs types: the schema and each reference parsed into one root (a reference under the
 * import path its reference name gives it), the well-known files imported without a reference added, all resolved.
 * And Confluent's message indexes: a path through the schema's own messages, top-level then nested, each in
 * declaration order (map entries, which Confluent adds after the declared nested messages, never shift them).
 */
import * as protobuf from 'protobufjs';
import { referencesInOrder, type ResolvedSchema } from './codec';
import { addKnownFile } from './protobuf-known-files';

/** A message of the schema's own file, with the messages nested in it, by full name (no leading dot). */
interface MessageNode {
  name: string;
  nested: MessageNode[];
}

export interface ProtobufSchema {
  root: protobuf.Root;
  /** The file's top-level messages, which message indexes walk. */
  messages: MessageNode[];
}

const OPTIONS: protobuf.IParseOptions = { keepCase: true };

export function loadProtobufSchema(schema: ResolvedSchema): ProtobufSchema {
  const root = new protobuf.Root();
  const provided = new Set<string>();
  const imports: string[] = [];
  for (const ref of referencesInOrder(schema)) {
    if (provided.has(ref.name)) continue;
    provided.add(ref.name);
    try {
      imports.push(...(protobuf.parse(ref.resolved.schema, root, OPTIONS).imports ?? []));
    } catch (e) {
      throw new Error(`its reference '${ref.name}' (${ref.subject} version ${ref.version}) cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }
  const main = protobuf.parse(schema.schema, root, OPTIONS);
  imports.push(...(main.imports ?? []));
  const added = new Set<string>();
  for (const name of imports) {
    if (!provided.has(name) && !addKnownFile(root, name, added)) throw new Error(`it imports '${name}', which is neither among its references nor a well-known file`);
  }
  root.resolveAll();
  return { root, messages: ownMessages(schema.schema, main.package) };
}

/** Parsed alone, the file's namespace holds its own messages only, in declaration order (a reference may share its package). */
function ownMessages(text: string, pkg: string | undefined): MessageNode[] {
  const alone = protobuf.parse(text, new protobuf.Root(), OPTIONS).root;
  const namespace = pkg ? alone.lookup(pkg) : alone;
  return namespace instanceof protobuf.Namespace ? nodes(namespace) : [];
}

function nodes(ns: protobuf.NamespaceBase): MessageNode[] {
  return ns.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type).map((t) => ({ name: t.fullName.replace(/^\./, ''), nested: nodes(t) }));
}

/** The full name of the message the indexes point at; throws when they point outside the schema. */
export function messageAt(schema: ProtobufSchema, indexes: readonly number[]): string {
  let level = schema.messages;
  let node: MessageNode | undefined;
  for (const i of indexes) {
    node = level[i];
    if (node === undefined) throw new Error(`message index [${indexes.join(', ')}] points at no message (${level.length} at that level)`);
    level = node.nested;
  }
  if (node === undefined) throw new Error('the message-index list is empty');
  return node.name;
}

/** The indexes of a message named fully (a leading dot allowed) or by its simple name; the first message by default. */
export function indexesOf(schema: ProtobufSchema, messageName?: string): { indexes: number[]; name: string } {
  const first = schema.messages[0];
  if (first === undefined) throw new Error('the schema declares no message');
  if (messageName === undefined || messageName === '') return { indexes: [0], name: first.name };
  const wanted = messageName.replace(/^\./, '');
  const found: Array<{ indexes: number[]; name: string }> = [];
  const walk = (level: MessageNode[], path: number[]): void => {
    level.forEach((n, i) => {
      if (n.name === wanted || n.name.endsWith(`.${wanted}`)) found.push({ indexes: [...path, i], name: n.name });
      walk(n.nested, [...path, i]);
    });
  };
  walk(schema.messages, []);
  const exact = found.find((f) => f.name === wanted);
  if (exact) return exact;
  if (found.length === 1) return found[0];
  const all: string[] = [];
  const list = (level: MessageNode[]): void => level.forEach((n) => (all.push(n.name), list(n.nested)));
  list(schema.messages);
  if (found.length === 0) throw new Error(`the schema has no message ${messageName} (it has ${all.join(', ')})`);
  throw new Error(`several messages are called ${messageName} (${found.map((f) => f.name).join(', ')}): give the full name`);
}
