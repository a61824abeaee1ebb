/**
 * What Register Schema and Check Compatibility act on: a schema's text, its type and the subject, taken from what
 * the command was started on (a subject or topic in the tree, a file in the explorer, an object from another command
 * or a test) and asked for only where that says nothing: the active editor or a file, the type when the text does not
 * tell, the subject (offered as the naming strategy would name it).
 */
import * as vscode from 'vscode';
import { SECTION, subjectNameStrategy } from '../config';
import type { SchemaReference, SchemaText, SchemaType } from '../schemas/registry-client';
import { inferSchemaType, recordFullName, subjectFromFileName } from '../schemas/schema-files';
import { subjectFor } from '../schemas/subject-names';
import { isTreeNode } from './services';

/** What a caller may pass instead of answering the prompts: with `subject` and `schema` or `file`, none is asked. */
interface SchemaFileInput {
  subject?: string;
  /** The subject is then offered as the strategy names the topic's value subject. */
  topic?: string;
  /** A path, or a URI (file:, vscode-remote:...). */
  file?: string;
  /** The schema's text, instead of a file. */
  schema?: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

interface SchemaSubmission {
  subject: string;
  schema: SchemaText;
  /** Where the text came from, for the messages: a file's name, or "the schema". */
  source: string;
}

const TYPES: Array<{ label: SchemaType; description: string }> = [
  { label: 'AVRO', description: 'Avro schema (.avsc)' },
  { label: 'PROTOBUF', description: 'Protocol Buffers (.proto)' },
  { label: 'JSON', description: 'JSON Schema' },
];

/** What the command was started on, as input. */
function inputOf(arg: unknown): SchemaFileInput {
  if (arg instanceof vscode.Uri) return { file: arg.toString() };
  if (typeof arg === 'string') return { subject: arg };
  if (isTreeNode(arg)) {
    const ref = arg.ref;
    if (ref.kind === 'subject' || ref.kind === 'schemaVersion') return { subject: ref.subject };
    if (ref.kind === 'topic' || ref.kind === 'topicSchemas') return { topic: ref.topic };
    return {};
  }
  if (typeof arg === 'object' && arg !== null) return arg as SchemaFileInput;
  return {};
}

function uriOf(file: string): vscode.Uri {
  return /^[a-z][\w+.-]+:\/\//i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
}

function nameOf(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** The text of a file, unsaved changes included when it is open. */
async function read(uri: vscode.Uri): Promise<{ text: string; name: string }> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return { text: doc.getText(), name: nameOf(uri) };
}

/** The active editor's text, or a file chosen now. */
async function askText(title: string): Promise<{ text: string; name: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: `$(edit) ${nameOf(editor.document.uri)}`, description: 'the active editor', id: 'editor' },
        { label: '$(folder-opened) Choose a file…', id: 'file' },
      ],
      { title, placeHolder: 'The schema to use' },
    );
    if (!picked) return undefined;
    if (picked.id === 'editor') return { text: editor.document.getText(), name: nameOf(editor.document.uri) };
  }
  const files = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { Schemas: ['avsc', 'avro', 'proto', 'json'], 'All files': ['*'] } });
  return files?.[0] ? read(files[0]) : undefined;
}

/** The schema and subject to act on, or undefined when the user cancelled. */
export async function schemaInput(arg: unknown, title: string): Promise<SchemaSubmission | undefined> {
  const input = inputOf(arg);
  const got = input.schema !== undefined ? { text: input.schema, name: input.file ? nameOf(uriOf(input.file)) : '' } : input.file ? await read(uriOf(input.file)) : await askText(title);
  if (!got) return undefined;
  if (!got.text.trim()) throw new Error(`${got.name || 'The schema'} is empty.`);
  let schemaType = input.schemaType ?? inferSchemaType(got.name || undefined, got.text);
  if (!schemaType) {
    const picked = await vscode.window.showQuickPick(TYPES, { title, placeHolder: `The schema type of ${got.name || 'the schema'} (it does not say)` });
    if (!picked) return undefined;
    schemaType = picked.label;
  }
  let subject = input.subject?.trim();
  // Started on a subject, or given one: no question. Otherwise offered as a serializer would name it.
  if (!subject) {
    const record = recordFullName(schemaType, got.text);
    const offered = input.topic ? subjectFor(subjectNameStrategy(vscode.workspace.getConfiguration(SECTION)), input.topic, false, record) : got.name ? subjectFromFileName(got.name) : (record ?? '');
    const answer = await vscode.window.showInputBox({ title, prompt: 'Subject (Confluent serializers use <topic>-value and <topic>-key unless set otherwise)', value: offered, validateInput: (v) => (v.trim() ? undefined : 'A subject is needed') });
    if (!answer) return undefined;
    subject = answer.trim();
  }
  return { subject, schema: { schema: got.text, schemaType, references: input.references ?? [] }, source: got.name || 'the schema' };
}
