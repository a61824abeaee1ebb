/**
 * Read-only documents holding one version of a subject, as the registry serves it and laid out for reading
 * (tributary-schema:/<subject> v<version>.json?registry=<url>&subject=<subject>&version=<n>). The text is read from the
 * registry each time VS Code asks, and a content provider's documents cannot be edited. The name's extension gives the
 * language: .json for Avro and JSON Schema, .proto for Protobuf (plain text unless an extension knows .proto).
 */
import * as vscode from 'vscode';
import type { SchemaRegistryClient, SchemaType } from '../schemas/registry-client';
import { prettySchema } from '../schemas/schema-files';

export const SCHEMA_SCHEME = 'tributary-schema';

export function schemaUri(registryUrl: string, subject: string, version: number, schemaType: SchemaType): vscode.Uri {
  // The path is the tab's title; the query says which schema (a subject may hold any character).
  const title = `/${subject.replace(/[\\/?#%]/g, '_')} v${version}.${schemaType === 'PROTOBUF' ? 'proto' : 'json'}`;
  return vscode.Uri.from({ scheme: SCHEMA_SCHEME, path: title, query: new URLSearchParams({ registry: registryUrl, subject, version: String(version), type: schemaType }).toString() });
}

export class SchemaDocumentProvider implements vscode.TextDocumentContentProvider {
  /** `registry` gives the shown cluster's registry (ClusterTreeModel.schemaRegistry). */
  constructor(private readonly registry: () => Promise<SchemaRegistryClient | undefined>) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const url = q.get('registry') ?? '';
    const subject = q.get('subject') ?? '';
    const version = Number(q.get('version'));
    try {
      const client = await this.registry();
      // Another cluster may be shown since the document was opened: never its registry's schema under this name.
      if (!client || client.url !== url) return `${subject} v${version} came from the schema registry at ${url}, which the cluster shown now does not use: open it again from the Tributary view.\n`;
      const v = await client.version(subject, version);
      return prettySchema(v.schemaType, v.schema);
    } catch (e) {
      return `Could not read ${subject} v${version} from the schema registry at ${url}: ${(e as Error).message}\n`;
    }
  }
}
