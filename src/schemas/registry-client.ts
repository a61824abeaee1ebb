/**
 * A client of a Confluent-compatible schema registry's REST API (the embedded one, Confluent's, Redpanda's,
 * Apicurio's ccompat API), as the panels, the editor and the tree use it: schemas by id, subjects and versions,
 * registration, compatibility checks and config. Over node:http/https rather than fetch so that a CA file and
 * unverified development certificates work as they do for the Kafka connection. No vscode import.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** How the registry wants to be logged into (Confluent's basic.auth.user.info, or a bearer token). */
type RegistryAuth = { kind: 'none' } | { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface RegistryEndpoint {
  /** Base URL, e.g. http://127.0.0.1:8081 (a path prefix is kept). */
  url: string;
  auth?: RegistryAuth;
  tls?: TlsOptions;
  /** Milliseconds before a request gives up. Default 10 s. */
  timeoutMs?: number;
}

/** A schema as the registry serves it by id: its type defaults to AVRO when the registry leaves it out. */
export interface SchemaText {
  schema: string;
  schemaType: SchemaType;
  references: SchemaReference[];
}

export interface SubjectVersion extends SchemaText {
  subject: string;
  version: number;
  id: number;
}

export interface CompatibilityResult {
  compatible: boolean;
  /** Why not, as the registry words it (asked with verbose=true). */
  messages: string[];
}

/** A request the registry refused: its HTTP status, and Confluent's error code and message when the body has them. */
export class RegistryHttpError extends Error {
  override name = 'RegistryHttpError';
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 64 << 20;

function schemaTypeOf(v: unknown): SchemaType {
  return v === 'PROTOBUF' || v === 'JSON' ? v : 'AVRO';
}

function referencesOf(v: unknown): SchemaReference[] {
  if (!Array.isArray(v)) return [];
  return v.map((r: Record<string, unknown>) => ({ name: String(r.name), subject: String(r.subject), version: Number(r.version) }));
}

export class SchemaRegistryClient {
  readonly url: string;

  constructor(private readonly endpoint: RegistryEndpoint) {
    const u = new URL(endpoint.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`A schema registry URL must be http:// or https://, not ${endpoint.url}`);
    this.url = endpoint.url.replace(/\/+$/, '');
  }

  /** GET /schemas/ids/{id} */
  async schemaById(id: number): Promise<SchemaText> {
    const r = (await this.call('GET', `/schemas/ids/${id}`)) as Record<string, unknown>;
    return { schema: String(r.schema), schemaType: schemaTypeOf(r.schemaType), references: referencesOf(r.references) };
  }

  /** GET /schemas/ids/{id}/versions: every subject and version holding the schema. */
  async versionsOfId(id: number): Promise<Array<{ subject: string; version: number }>> {
    const r = (await this.call('GET', `/schemas/ids/${id}/versions`)) as Array<Record<string, unknown>>;
    return r.map((x) => ({ subject: String(x.subject), version: Number(x.version) }));
  }

  /** GET /subjects */
  async subjects(): Promise<string[]> {
    return ((await this.call('GET', '/subjects')) as unknown[]).map(String);
  }

  /** GET /subjects/{subject}/versions */
  async versions(subject: string): Promise<number[]> {
    return ((await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions`)) as unknown[]).map(Number);
  }

  /** GET /subjects/{subject}/versions/{version} */
  async version(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    return this.subjectVersion(await this.call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${version}`));
  }

  /** POST /subjects/{subject}/versions: the schema's id (the same id when it is registered already). */
  async register(subject: string, schema: SchemaText, normalize = false): Promise<number> {
    const r = (await this.call('POST', `/subjects/${encodeURIComponent(subject)}/versions${normalize ? '?normalize=true' : ''}`, this.body(schema))) as Record<string, unknown>;
    return Number(r.id);
  }

  /** POST /subjects/{subject}: the version of the subject holding this schema (40403 when none does). */
  async lookup(subject: string, schema: SchemaText, normalize = false): Promise<SubjectVersion> {
    return this.subjectVersion(await this.call('POST', `/subjects/${encodeURIComponent(subject)}${normalize ? '?normalize=true' : ''}`, this.body(schema)), subject);
  }

  /** POST /compatibility/subjects/{subject}/versions/{version}?verbose=true */
  async checkCompatibility(subject: string, schema: SchemaText, version: number | 'latest' = 'latest'): Promise<CompatibilityResult> {
    const r = (await this.call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/${version}?verbose=true`, this.body(schema))) as Record<string, unknown>;
    return { compatible: r.is_compatible === true, messages: Array.isArray(r.messages) ? r.messages.map(String) : [] };
  }

  /** The subject's compatibility level, or the global one (GET /config/{subject}?defaultToGlobal=true, or GET /config). */
  async compatibilityLevel(subject?: string): Promise<string> {
    const r = (await this.call('GET', subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`)) as Record<string, unknown>;
    return String(r.compatibilityLevel ?? r.compatibility ?? '');
  }

  /** PUT /config/{subject} (or /config): sets the compatibility level. */
  async setCompatibilityLevel(level: string, subject?: string): Promise<void> {
    await this.call('PUT', subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  /** DELETE /subjects/{subject}[?permanent=true]: the versions deleted. */
  async deleteSubject(subject: string, permanent = false): Promise<number[]> {
    return ((await this.call('DELETE', `/subjects/${encodeURIComponent(subject)}${permanent ? '?permanent=true' : ''}`)) as unknown[]).map(Number);
  }

  private body(s: SchemaText): Record<string, unknown> {
    const body: Record<string, unknown> = { schema: s.schema };
    if (s.schemaType !== 'AVRO') body.schemaType = s.schemaType;
    if (s.references.length) body.references = s.references;
    return body;
  }

  private subjectVersion(v: unknown, subject?: string): SubjectVersion {
    const r = v as Record<string, unknown>;
    return {
      subject: String(r.subject ?? subject),
      version: Number(r.version),
      id: Number(r.id),
      schema: String(r.schema),
      schemaType: schemaTypeOf(r.schemaType),
      references: referencesOf(r.references),
    };
  }

  private call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(this.url + path);
    const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
    const auth = this.endpoint.auth;
    if (auth?.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    else if (auth?.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) {
      headers['content-type'] = CONTENT_TYPE;
      headers['content-length'] = String(payload.length);
    }
    const timeoutMs = this.endpoint.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method, headers, timeout: timeoutMs, ...(url.protocol === 'https:' ? this.endpoint.tls : {}) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) req.destroy(new Error(`The schema registry at ${this.url} answered more than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            if (json === undefined) reject(new Error(`The schema registry at ${this.url} answered ${method} ${path} with no JSON`));
            else resolve(json);
            return;
          }
          const e = (json ?? {}) as Record<string, unknown>;
          const code = typeof e.error_code === 'number' ? e.error_code : undefined;
          const why = typeof e.message === 'string' ? e.message : text.slice(0, 200) || res.statusMessage || 'no reason given';
          reject(new RegistryHttpError(status, code, `Schema registry ${method} ${path}: ${status}${code !== undefined ? ` (error ${code})` : ''}: ${why}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`The schema registry at ${this.url} did not answer ${method} ${path} within ${timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof RegistryHttpError ? e : new Error(`Cannot reach the schema registry at ${this.url}: ${e.message}`, { cause: e })));
      req.end(payload);
    });
  }
}
