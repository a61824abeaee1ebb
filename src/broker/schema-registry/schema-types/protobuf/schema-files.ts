/**
 * Reads a schema and its references into file trees, and checks with protobufjs that everything resolves: every
 * import is a reference or a known file, and every type named is declared somewhere the schema can see.
 */

import * as protobuf from 'protobufjs';
import { InvalidSchemaError, ResolvedReference } from '../../schema-provider';
import { ProtoFile } from './ast';
import { RefId, SchemaFiles } from './context';
import { parseDescriptorText } from './descriptor';
import { getKnownFiles, KnownFile } from './known-files';
import { parseProto } from './parser';
import { printProto } from './printer';
import { ProtoSyntaxError } from './reader';

/** Parses .proto text, or failing that a base64 FileDescriptorProto, as Confluent does; `what` names it in errors. */
function readProtoText(text: string, what: string): ProtoFile {
  try {
    return parseProto(text);
  } catch (error) {
    const fromDescriptor = parseDescriptorText(text);
    if (fromDescriptor !== null) return fromDescriptor;
    const detail = error instanceof ProtoSyntaxError ? error.message : String(error);
    throw new InvalidSchemaError(`Could not parse Protobuf${what} - ${detail}`);
  }
}

/** A schema's files: itself, every reference (theirs too, by import name) and the known files. */
export function loadSchemaFiles(text: string, references: readonly ResolvedReference[]): SchemaFiles {
  const main = readProtoText(text, '');
  const referenceFiles = new Map<string, ProtoFile>();
  collectReferences(references, referenceFiles);
  const dependencies = new Map(referenceFiles);
  // Like Confluent's dependenciesWithLogicalTypes: a reference of the same name takes the known file's place.
  for (const [name, known] of getKnownFiles()) {
    if (!dependencies.has(name)) dependencies.set(name, known.proto);
  }
  const directRefs = new Map<string, RefId>(references.map((r) => [r.name, { subject: r.subject, version: r.version }]));
  const files: SchemaFiles = { main, dependencies, directRefs };
  checkResolves(files, referenceFiles);
  return files;
}

function collectReferences(references: readonly ResolvedReference[], into: Map<string, ProtoFile>): void {
  for (const reference of references) {
    // As Confluent resolves references: the first schema met under a name is the one imported by that name.
    if (into.has(reference.name)) continue;
    collectReferences(reference.references, into);
    if (reference.schemaType !== 'PROTOBUF') {
      throw new InvalidSchemaError(`Protobuf reference "${reference.name}" is a ${reference.schemaType} schema`);
    }
    into.set(reference.name, readProtoText(reference.schema, ` reference "${reference.name}"`));
  }
}

/**
 * Loads the schema and what it imports (transitively) into one protobufjs root and resolves every type there. Each
 * file is given to protobufjs as its declarations without options (see printProto's skeleton mode).
 */
function checkResolves(files: SchemaFiles, references: ReadonlyMap<string, ProtoFile>): void {
  const root = new protobuf.Root();
  const loaded = new Set<string>();
  const known = getKnownFiles();
  const load = (file: ProtoFile, what: string): void => {
    addToRoot(root, printProto(file, 'skeleton'), what);
    for (const path of [...file.imports, ...file.publicImports, ...file.weakImports]) loadImport(path, what);
  };
  const loadImport = (path: string, importer: string): void => {
    if (loaded.has(path)) return;
    loaded.add(path);
    const reference = references.get(path);
    const knownFile = known.get(path);
    if (reference !== undefined) {
      load(reference, ` in reference "${path}"`);
    } else if (knownFile !== undefined) {
      addKnownFile(root, knownFile);
      for (const dependency of knownFile.imports) loadImport(dependency, importer);
    } else {
      throw new InvalidSchemaError(
        `Invalid Protobuf schema${importer}: import "${path}" is neither a reference of the schema nor a well-known file`,
      );
    }
  };
  load(files.main, '');
  try {
    root.resolveAll();
  } catch (error) {
    throw new InvalidSchemaError(`Invalid Protobuf schema: ${errorText(error)}`);
  }
}

function addKnownFile(root: protobuf.Root, file: KnownFile): void {
  try {
    file.addTo(root);
  } catch (error) {
    // A reference that declares a well-known type again, say.
    throw new InvalidSchemaError(`Invalid Protobuf schema: ${file.name}: ${errorText(error)}`);
  }
}

function addToRoot(root: protobuf.Root, skeleton: string, what: string): void {
  try {
    protobuf.parse(skeleton, root, { keepCase: true });
  } catch (error) {
    throw new InvalidSchemaError(`Invalid Protobuf schema${what}: ${errorText(error)}`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
