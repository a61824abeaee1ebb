/**
 * The schema registry's commands, on the shown cluster's registry: open a version of a subject as a read-only
 * document, compare two versions, register a schema from a file or an editor, check one against a subject's latest
 * version. Each works from the tree (a version, a subject, a topic), the explorer (a schema file), the palette (asking),
 * or with an object argument that answers every question (another command, a test). The registry sends no events, so
 * the tree's Schemas are read again after a registration.
 */
import * as vscode from 'vscode';
import { RegistryHttpError, type CompatibilityResult, type SchemaRegistryClient, type SubjectVersion } from '../schemas/registry-client';
import { compatibilityReasons } from '../schemas/compatibility-messages';
import { schemaUri } from '../views/schema-document-provider';
import { Services, brokerFor, isTreeNode } from './services';
import { schemaInput } from './schema-input';

/** A version (or versions) named by the argument: a node, a subject's name, or { subject, version } / { subject, from, to }. */
interface VersionTarget {
  subject?: string;
  version?: number | 'latest';
  /** The version before `version`, when a version node knows it. */
  previous?: number;
  from?: number;
  to?: number;
}

function targetOf(arg: unknown): VersionTarget {
  if (typeof arg === 'string') return { subject: arg };
  if (isTreeNode(arg)) {
    const ref = arg.ref;
    if (ref.kind === 'schemaVersion') return { subject: ref.subject, version: ref.version, previous: ref.previous };
    if (ref.kind === 'subject') return { subject: ref.subject };
    return {};
  }
  if (typeof arg === 'object' && arg !== null) return arg as VersionTarget;
  return {};
}

/** The shown cluster's registry (the embedded broker started first if need be), or undefined after saying why. */
async function registryFor(s: Services, action: string): Promise<SchemaRegistryClient | undefined> {
  if (!s.clusters.isExternal() && !(await brokerFor(s, action))) return undefined;
  const client = await s.model.schemaRegistry();
  if (!client) {
    void vscode.window.showInformationMessage(
      `Cannot ${action}: the cluster shown has no schema registry (the embedded broker runs one unless tributary.schemaRegistry.enabled is off or its port is taken; an external cluster's is set on its connection).`,
    );
  }
  return client;
}

async function pickSubject(client: SchemaRegistryClient, title: string): Promise<string | undefined> {
  const subjects = [...(await client.subjects())].sort();
  if (subjects.length === 0) {
    void vscode.window.showInformationMessage(`The schema registry at ${client.url} has no subjects yet.`);
    return undefined;
  }
  return vscode.window.showQuickPick(subjects, { title, placeHolder: 'Subject' });
}

async function pickVersion(client: SchemaRegistryClient, subject: string, title: string, placeHolder: string, except?: number): Promise<number | undefined> {
  const versions = (await client.versions(subject)).filter((v) => v !== except).sort((a, b) => b - a);
  if (versions.length === 0) {
    void vscode.window.showInformationMessage(`${subject} has no ${except === undefined ? '' : 'other '}version to choose.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    versions.map((v, i) => ({ label: `v${v}`, description: i === 0 && except === undefined ? 'latest' : undefined, version: v })),
    { title, placeHolder },
  );
  return picked?.version;
}

/** Opens a version's schema, read-only, laid out for reading (JSON for Avro and JSON Schema). */
export async function openSchemaVersion(s: Services, arg: unknown): Promise<void> {
  const title = 'Open Schema Version';
  const client = await registryFor(s, 'open a schema');
  if (!client) return;
  const t = targetOf(arg);
  const subject = t.subject ?? (await pickSubject(client, title));
  if (!subject) return;
  const version = t.version ?? (await pickVersion(client, subject, title, `Version of ${subject}`));
  if (version === undefined) return;
  const v = await client.version(subject, version);
  let doc = await vscode.workspace.openTextDocument(schemaUri(client.url, subject, v.version, v.schemaType));
  if (v.schemaType !== 'PROTOBUF' && doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** A diff of two versions of a subject, the older on the left: a version node's previous, or two chosen. */
export async function diffSchemaVersions(s: Services, arg: unknown): Promise<void> {
  const title = 'Compare Schema Versions';
  const client = await registryFor(s, 'compare schema versions');
  if (!client) return;
  const t = targetOf(arg);
  const subject = t.subject ?? (await pickSubject(client, title));
  if (!subject) return;
  let a = t.from ?? t.previous;
  let b = t.to ?? t.version;
  if (b === undefined) b = await pickVersion(client, subject, title, `The newer version of ${subject}`);
  if (b === undefined) return;
  if (a === undefined) a = await pickVersion(client, subject, title, `Compare ${subject} v${b} with`, typeof b === 'number' ? b : undefined);
  if (a === undefined) return;
  const [x, y] = await Promise.all([client.version(subject, a), client.version(subject, b)]);
  const [older, newer] = x.version <= y.version ? [x, y] : [y, x];
  await vscode.commands.executeCommand('vscode.diff', schemaUri(client.url, subject, older.version, older.schemaType), schemaUri(client.url, subject, newer.version, newer.schemaType), `${subject}: v${older.version} ↔ v${newer.version}`, { preview: true });
}

/** Tells the registry's refusal in its own words (409: incompatible, with Confluent's reasons; 422: invalid). */
function refused(s: Services, what: string, e: RegistryHttpError): void {
  s.output.warn(`${what}: ${e.message}`);
  // The request line the client's message starts with says nothing the user asked about; the status and the words stay.
  const why = e.message.replace(/^Schema registry [A-Z]+ \S+: /, '');
  void vscode.window.showErrorMessage(`${what}: ${why}`, 'Show Log').then((choice) => choice && s.output.show());
}

function notFound(e: unknown): boolean {
  return e instanceof RegistryHttpError && e.status === 404;
}

/** Registers a schema under a subject, saying its id and version, or why the registry refused it. */
export async function registerSchemaFromFile(s: Services, arg: unknown): Promise<void> {
  const client = await registryFor(s, 'register a schema');
  if (!client) return;
  const input = await schemaInput(arg, 'Register Schema');
  if (!input) return;
  const { subject, schema, source } = input;
  let id: number;
  try {
    // Registering a schema the subject has already answers its id and adds nothing: said so rather than "registered".
    const existing: SubjectVersion | undefined = await client.lookup(subject, schema).catch((e: unknown) => {
      if (notFound(e)) return undefined;
      throw e;
    });
    if (existing) {
      void vscode.window.showInformationMessage(`${source} is already registered under ${subject}: version ${existing.version}, schema id ${existing.id}.`);
      return;
    }
    id = await client.register(subject, schema);
  } catch (e) {
    if (e instanceof RegistryHttpError) return refused(s, `The schema registry refused ${source} under ${subject}`, e);
    throw e;
  }
  s.model.invalidateSchemas();
  const version = await client.lookup(subject, schema).then((v) => v.version, () => undefined);
  s.output.info(`registered ${source} under ${subject}: ${version === undefined ? '' : `version ${version}, `}schema id ${id}`);
  void vscode.window.showInformationMessage(`Registered ${source} under ${subject}: ${version === undefined ? '' : `version ${version}, `}schema id ${id}.`);
}

/** Checks a schema against the subject's latest version, with the registry's reasons when it is not compatible. */
export async function checkSchemaCompatibility(s: Services, arg: unknown): Promise<void> {
  const client = await registryFor(s, 'check a schema');
  if (!client) return;
  const input = await schemaInput(arg, 'Check Schema Compatibility');
  if (!input) return;
  const { subject, schema, source } = input;
  let result: CompatibilityResult;
  try {
    // A registry answers "compatible" for a subject without versions: said as it is instead.
    const versions = await client.versions(subject).catch((e: unknown) => {
      if (notFound(e)) return [];
      throw e;
    });
    if (versions.length === 0) {
      void vscode.window.showInformationMessage(`${subject} has no version yet: ${source} can be registered as its first.`);
      return;
    }
    result = await client.checkCompatibility(subject, schema, 'latest');
  } catch (e) {
    if (e instanceof RegistryHttpError) return refused(s, `The schema registry could not check ${source} against ${subject}`, e);
    throw e;
  }
  const level = await client.compatibilityLevel(subject).catch(() => '');
  const against = `the latest version of ${subject}${level ? ` (${level})` : ''}`;
  if (result.compatible) {
    void vscode.window.showInformationMessage(`${source} is compatible with ${against}.`);
    return;
  }
  s.output.warn(`${source} is not compatible with ${against}:\n${result.messages.map((m) => `  ${m}`).join('\n')}`);
  void vscode.window
    .showWarningMessage(`${source} is not compatible with ${against}: ${compatibilityReasons(result.messages).join('; ') || 'the registry gave no reason'}`, 'Show Log')
    .then((choice) => choice && s.output.show());
}
