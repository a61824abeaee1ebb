/**
 * Confluent's Schema Registry REST API (v1) over a SchemaRegistry, with node:http: the routes of Confluent's
 * resources (RootResource, SubjectsResource, SubjectVersionsResource, SchemasResource, ConfigResource, ModeResource,
 * CompatibilityResource), their JSON bodies, and errors as Confluent's REST layer writes them: `{"error_code": ...,
 * "message": ...}`, with the bare HTTP status as the code for what Jersey refuses before a resource runs (no route
 * 404, wrong method 405, unsupported body type 415, unparsable JSON 400). Path segments are URL-decoded one by one,
 * so a subject may hold an encoded "/". Schemas are only ever data here: parsed by the providers, never run.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchemaRegistryError } from './registry-errors';
import type { SchemaRegistry, SchemaRequest } from './schema-registry';
import type { SchemaReference } from './schema-provider';
import type { SchemaRecord } from './schema-records';

interface SchemaRegistryServerOptions {
  host?: string;
  port?: number;
  /** Largest request body accepted; larger ones are answered 413. */
  maxBodyBytes?: number;
}

export interface SchemaRegistryServer {
  readonly port: number;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPTED_TYPES = ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream'];
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
// A client that keeps sending past the limit this many times over loses its connection instead of being drained.
const DRAIN_FACTOR = 4;

/** Errors of the HTTP layer: Jersey's texts, and the status as the code. */
const httpError = (status: number, reason: string, message = `HTTP ${status} ${reason}`): SchemaRegistryError => new SchemaRegistryError(status, status, message);
const notFound = (): SchemaRegistryError => httpError(404, 'Not Found');
const badRequest = (message: string): SchemaRegistryError => httpError(400, 'Bad Request', message);

interface Request {
  method: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

type Handler = (registry: SchemaRegistry, req: Request) => unknown | Promise<unknown>;

/** A raw body: written as it is, not as JSON (the endpoints that answer a bare schema). */
class Raw {
  constructor(readonly text: string) {}
}

// ---- Bodies ------------------------------------------------------------------------------------------------------

/** Confluent's Schema entity: AVRO as no schemaType, no references as none. */
function schemaEntity(r: SchemaRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { subject: r.subject, version: r.version, id: r.id };
  if (r.schemaType !== 'AVRO') o.schemaType = r.schemaType;
  if (r.references.length) o.references = r.references;
  if (r.metadata !== undefined) o.metadata = r.metadata;
  if (r.ruleSet !== undefined) o.ruleSet = r.ruleSet;
  o.schema = r.schema;
  return o;
}

/** Confluent's SchemaString entity (GET /schemas/ids/{id}). */
function schemaString(r: SchemaRecord, maxId?: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (r.schemaType !== 'AVRO') o.schemaType = r.schemaType;
  o.schema = r.schema;
  if (r.references.length) o.references = r.references;
  if (r.metadata !== undefined) o.metadata = r.metadata;
  if (r.ruleSet !== undefined) o.ruleSet = r.ruleSet;
  if (maxId !== undefined) o.maxId = maxId;
  return o;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (body === undefined) throw new SchemaRegistryError(422, 422, 'Request body is required');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Cannot deserialize the request body: a JSON object is expected');
  return body as Record<string, unknown>;
}

// Jackson takes a scalar where a string is declared (as its text), and refuses objects and arrays.
function optString(o: Record<string, unknown>, field: string): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') throw badRequest(`Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(v) ? 'Array' : 'Object'} value (property "${field}")`);
  return String(v);
}

function optInt(o: Record<string, unknown>, field: string): number | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 2147483647) throw badRequest(`Cannot deserialize value of type \`java.lang.Integer\` (property "${field}")`);
  return n;
}

function schemaRequest(body: unknown): SchemaRequest {
  const o = jsonObject(body);
  const req: SchemaRequest = { schema: optString(o, 'schema'), schemaType: optString(o, 'schemaType'), version: optInt(o, 'version'), id: optInt(o, 'id') };
  if (o.references !== undefined && o.references !== null) {
    if (!Array.isArray(o.references)) throw badRequest('Cannot deserialize value of type `java.util.ArrayList` (property "references")');
    req.references = (o.references as unknown[]).map((r): SchemaReference => {
      const ref = jsonObject(r);
      const name = optString(ref, 'name');
      const subject = optString(ref, 'subject');
      const version = optInt(ref, 'version');
      if (name === undefined || subject === undefined || version === undefined) throw new SchemaRegistryError(422, 42201, `Invalid reference ${JSON.stringify(r)}: name, subject and version are required`);
      return { name, subject, version };
    });
  }
  if (o.metadata !== undefined && o.metadata !== null) req.metadata = o.metadata;
  if (o.ruleSet !== undefined && o.ruleSet !== null) req.ruleSet = o.ruleSet;
  return req;
}

// ---- Query parameters: Jersey's conversions, a value it cannot convert being a 404 ------------------------------

const flag = (q: URLSearchParams, name: string): boolean => q.get(name)?.toLowerCase() === 'true';

/** A subject prefix; Confluent's default, ":*:" (every context), is no prefix here, where the default context is all. */
function prefixParam(q: URLSearchParams): string | undefined {
  const v = q.get('subjectPrefix');
  return v === null || v === ':*:' ? undefined : v;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^[+-]?\d+$/.test(v.trim())) throw notFound();
  return Number(v);
}

function idParam(text: string): number {
  if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2147483647) throw notFound();
  return Number(text);
}

// ---- Routes ------------------------------------------------------------------------------------------------------

interface Route {
  method: string;
  /** Literal segments, and '*' for a parameter. */
  path: string[];
  handler: Handler;
}

const routes: Route[] = [];
const route = (method: string, path: string, handler: Handler): void => {
  routes.push({ method, path: path.split('/').filter(Boolean), handler });
};

route('GET', '/', () => ({}));

route('GET', '/schemas/types', (r) => r.schemaTypes());
route('GET', '/schemas', (r, { query: q }) =>
  r
    .schemas({ subjectPrefix: prefixParam(q), deleted: flag(q, 'deleted'), latestOnly: flag(q, 'latestOnly'), offset: intParam(q, 'offset'), limit: intParam(q, 'limit') })
    .map(schemaEntity),
);
route('GET', '/schemas/ids/*', (r, { params, query: q }) => schemaString(r.schemaById(idParam(params[0]), { subject: q.get('subject') ?? undefined }), flag(q, 'fetchMaxId') ? r.maxId() : undefined));
route('GET', '/schemas/ids/*/schema', (r, { params, query: q }) => new Raw(r.schemaById(idParam(params[0]), { subject: q.get('subject') ?? undefined }).schema));
route('GET', '/schemas/ids/*/subjects', (r, { params, query: q }) => r.subjectsForId(idParam(params[0]), { deleted: flag(q, 'deleted') }));
route('GET', '/schemas/ids/*/versions', (r, { params, query: q }) => r.versionsForId(idParam(params[0]), { deleted: flag(q, 'deleted') }));

route('GET', '/subjects', (r, { query: q }) => r.subjects({ prefix: prefixParam(q), deleted: flag(q, 'deleted'), deletedOnly: flag(q, 'deletedOnly') }));
route('POST', '/subjects/*', (r, { params, query: q, body }) => schemaEntity(r.lookup(params[0], schemaRequest(body), { normalize: flag(q, 'normalize'), deleted: flag(q, 'deleted') })));
route('DELETE', '/subjects/*', (r, { params, query: q }) => r.deleteSubject(params[0], { permanent: flag(q, 'permanent') }));
route('GET', '/subjects/*/versions', (r, { params, query: q }) => r.versions(params[0], { deleted: flag(q, 'deleted'), deletedOnly: flag(q, 'deletedOnly') }));
route('POST', '/subjects/*/versions', async (r, { params, query: q, body }) => ({ id: await r.register(params[0], schemaRequest(body), { normalize: flag(q, 'normalize') }) }));
route('GET', '/subjects/*/versions/*', (r, { params, query: q }) => schemaEntity(r.getVersion(params[0], params[1], { deleted: flag(q, 'deleted') })));
route('DELETE', '/subjects/*/versions/*', (r, { params, query: q }) => r.deleteVersion(params[0], params[1], { permanent: flag(q, 'permanent') }));
route('GET', '/subjects/*/versions/*/schema', (r, { params, query: q }) => new Raw(r.getVersion(params[0], params[1], { deleted: flag(q, 'deleted') }).schema));
route('GET', '/subjects/*/versions/*/referencedby', (r, { params }) => r.referencedBy(params[0], params[1]));

for (const [path, subject] of [
  ['/config', (_: string[]): string | null => null],
  ['/config/*', (p: string[]): string | null => p[0]],
] as const) {
  route('GET', path, (r, { params, query: q }) => ({ compatibilityLevel: r.getCompatibility(subject(params), { defaultToGlobal: flag(q, 'defaultToGlobal') }) }));
  // Confluent answers the request itself.
  route('PUT', path, async (r, { params, body }) => {
    const compatibility = jsonObject(body).compatibility;
    await r.setCompatibility(subject(params), compatibility);
    return { compatibility };
  });
  route('DELETE', path, async (r, { params }) => ({ compatibilityLevel: await r.deleteCompatibility(subject(params)) }));
}

for (const [path, subject] of [
  ['/mode', (_: string[]): string | null => null],
  ['/mode/*', (p: string[]): string | null => p[0]],
] as const) {
  route('GET', path, (r, { params, query: q }) => ({ mode: r.getMode(subject(params), { defaultToGlobal: flag(q, 'defaultToGlobal') }) }));
  route('PUT', path, async (r, { params, query: q, body }) => {
    const mode = jsonObject(body).mode;
    await r.setMode(subject(params), mode, { force: flag(q, 'force') });
    return { mode };
  });
  route('DELETE', path, async (r, { params }) => ({ mode: await r.deleteMode(subject(params)) }));
}

const compatibilityBody = (res: { isCompatible: boolean; messages: string[] }, verbose: boolean): Record<string, unknown> =>
  verbose ? { is_compatible: res.isCompatible, messages: res.messages } : { is_compatible: res.isCompatible };
route('POST', '/compatibility/subjects/*/versions', (r, { params, query: q, body }) =>
  compatibilityBody(r.testCompatibility(params[0], undefined, schemaRequest(body), { verbose: flag(q, 'verbose'), normalize: flag(q, 'normalize') }), flag(q, 'verbose')),
);
route('POST', '/compatibility/subjects/*/versions/*', (r, { params, query: q, body }) =>
  compatibilityBody(r.testCompatibility(params[0], params[1], schemaRequest(body), { verbose: flag(q, 'verbose'), normalize: flag(q, 'normalize') }), flag(q, 'verbose')),
);

// Only the default context exists here.
route('GET', '/contexts', () => ['.']);

/** The route for the path, or why there is none: 404 for no path, 405 for a path without the method. */
function match(method: string, segments: string[]): { route: Route; params: string[] } {
  let pathMatched = false;
  for (const r of routes) {
    if (r.path.length !== segments.length) continue;
    const params: string[] = [];
    if (!r.path.every((p, i) => (p === '*' ? (params.push(segments[i]), true) : p === segments[i]))) continue;
    pathMatched = true;
    if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { route: r, params };
  }
  throw pathMatched ? httpError(405, 'Method Not Allowed') : notFound();
}

/** The path's segments, each URL-decoded (an encoded "/" stays inside its segment); one trailing "/" is ignored. */
function segmentsOf(pathname: string): string[] {
  const raw = pathname.split('/').slice(1);
  if (raw.length && raw[raw.length - 1] === '') raw.pop();
  return raw.map((s) => {
    if (s === '') throw notFound();
    try {
      return decodeURIComponent(s);
    } catch {
      throw notFound();
    }
  });
}

// ---- HTTP --------------------------------------------------------------------------------------------------------

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > limit * DRAIN_FACTOR) req.destroy();
    });
    req.on('end', () => (size > limit ? reject(httpError(413, 'Request Entity Too Large')) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    // A body cut short (the client gone, or dropped for sending too much) has no 'end' to wait for.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

function send(res: http.ServerResponse, head: boolean, status: number, body: unknown): void {
  const text = body instanceof Raw ? body.text : JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

async function handle(registry: SchemaRegistry, req: http.IncomingMessage, res: http.ServerResponse, maxBody: number): Promise<void> {
  const head = req.method === 'HEAD';
  try {
    const url = new URL(req.url ?? '/', 'http://registry');
    const method = req.method ?? 'GET';
    const { route: r, params } = match(method, segmentsOf(url.pathname));
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      const type = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
      if (type && !ACCEPTED_TYPES.includes(type)) throw httpError(415, 'Unsupported Media Type');
      const bytes = await readBody(req, maxBody);
      if (bytes.length) {
        try {
          body = JSON.parse(bytes.toString('utf8'));
        } catch (e) {
          throw badRequest(e instanceof Error ? e.message : 'Unparsable JSON');
        }
      }
    }
    const result = await r.handler(registry, { method, params, query: url.searchParams, body });
    send(res, head, 200, result);
  } catch (e) {
    const err = e instanceof SchemaRegistryError ? e : new SchemaRegistryError(500, 500, e instanceof Error ? e.message : String(e));
    if (res.headersSent || !res.socket || res.socket.destroyed) res.destroy();
    else send(res, head, err.httpStatus, err.toJSON());
  }
}

export function startSchemaRegistryServer(registry: SchemaRegistry, opts: SchemaRegistryServerOptions = {}): Promise<SchemaRegistryServer> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server = http.createServer((req, res) => void handle(registry, req, res, maxBody));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8081, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
