/**
 * Confluent's Schema Registry (KafkaSchemaRegistry and its REST resources' rules) over `_schemas`: subjects and their
 * versions, global schema ids, compatibility levels and modes. The state is only ever what the topic says: every
 * change is validated against the state, appended to the topic through the SchemaLog as Confluent's records, and only
 * then applied, by the same `apply` a replay of the topic runs. Writes run one at a time (ids are global: two
 * registrations at once would both take the next id). The schema languages are the providers given.
 */
import { compatibilityMessages } from './compatibility';
import {
  compatibilityNotConfigured,
  incompatibleSchema,
  invalidCompatibilityLevel,
  invalidMode,
  invalidSchema,
  invalidSubject,
  modeNotConfigured,
  operationNotPermitted,
  operationTimeout,
  referenceExists,
  schemaNotFound,
  SchemaRegistryError,
  storeError,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './registry-errors';
import { parseVersion, sameSchema, SchemaParser, type Candidate, type SchemaRequest } from './registry-parsing';
import { RegistryState, type RegistrySnapshot } from './registry-state';
import type { SchemaProvider, SchemaType } from './schema-provider';
import {
  COMPATIBILITY_LEVELS,
  encodeClearSubjectValue,
  encodeConfigValue,
  encodeDeleteSubjectValue,
  encodeKey,
  encodeModeValue,
  encodeSchemaValue,
  MODES,
  type CompatibilityLevel,
  type Mode,
  type SchemaRecord,
} from './schema-records';

/** A registration or lookup as the REST body gives it. */
export type { SchemaRequest };

export interface LogRecord {
  key: Buffer;
  value: Buffer | null;
}

/** Where the registry's records go: `_schemas`. Resolves once they are durably appended, in order. */
export interface SchemaLog {
  append(records: LogRecord[]): Promise<void>;
}

interface CompatibilityResult {
  isCompatible: boolean;
  messages: string[];
}

type LookupFilter = 'live' | 'all' | 'deletedOnly';

const DEFAULT_MODE: Mode = 'READWRITE';
// The order Confluent lists its providers in.
const TYPE_ORDER: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

const schemaKey = (subject: string, version: number): Buffer => encodeKey({ keytype: 'SCHEMA', subject, version });
// Java's Character.isISOControl; Confluent refuses such subjects.
const hasControlChar = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) <= 0x1f || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));

/** What a timed-out append looks like, whoever threw it: a TimeoutError, or the broker's REQUEST_TIMED_OUT. */
function isTimeout(e: unknown): boolean {
  const o = e as { name?: unknown; errorName?: unknown } | null;
  return !!o && typeof o === 'object' && (o.name === 'TimeoutError' || o.errorName === 'REQUEST_TIMED_OUT');
}

export class SchemaRegistry {
  private readonly state = new RegistryState();
  private readonly parser: SchemaParser;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly providers: Readonly<Partial<Record<SchemaType, SchemaProvider>>>,
    private readonly log: SchemaLog,
    private readonly defaultCompatibility: CompatibilityLevel = 'BACKWARD',
  ) {
    this.parser = new SchemaParser(providers, this.state);
  }

  /** Replays one record of `_schemas` (the registry's own, after it appends them, or any read back at start). */
  apply(key: Buffer, value: Buffer | null): void {
    this.state.apply(key, value);
  }

  snapshot(): RegistrySnapshot {
    return this.state.snapshot();
  }

  // ---- Writes --------------------------------------------------------------------------------------------------

  /** POST /subjects/{subject}/versions: the schema's id, registered under the subject unless it already is. */
  register(subject: string, req: SchemaRequest, opts: { normalize?: boolean } = {}): Promise<number> {
    return this.exclusive(async () => {
      if (hasControlChar(subject)) throw invalidSubject(subject);
      const normalize = opts.normalize || this.normalizeInScope(subject);
      const id = req.id ?? -1;
      const version = req.version ?? 0;
      const given = req.schema?.trim() ? this.parser.request(subject, req, normalize) : undefined;
      // A schema the subject already has is answered before the mode is looked at: a read-only registry still
      // tells a serializer the id of a schema it knows.
      const known = given && this.findInSubject(subject, given, 'live');
      if (known && ((version === 0 && (id < 0 || id === known.id)) || (version !== 0 && known.id === id && known.version === version))) return known.id;

      const mode = this.modeInScope(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
      if (id >= 0 && mode !== 'IMPORT') throw operationNotPermitted(`Subject ${subject} is not in import mode`);
      if (id < 0 && mode !== 'READWRITE') throw operationNotPermitted(`Subject ${subject} is not in read-write mode`);

      const all = this.state.versionsOf(subject);
      const live = all.filter((r) => !r.deleted);
      const nextVersion = all.length ? all[all.length - 1].version + 1 : 1;
      // No schema in the request re-registers the latest one (Confluent does so to attach new metadata).
      const latest = live[live.length - 1];
      if (!given && !latest) throw invalidSchema('Empty schema');
      const candidate = given ?? this.parser.request(subject, { schema: latest.schema, schemaType: latest.schemaType, references: latest.references }, normalize);

      let schemaId = id;
      const same = this.findAnywhere(candidate);
      if (same && (id < 0 || id === same.id)) {
        const inSubject = version === 0 ? this.findInSubject(subject, candidate, 'live') : undefined;
        if (inSubject) return inSubject.id;
        schemaId = same.id;
      }
      if (mode !== 'IMPORT') {
        const messages = compatibilityMessages(this.compatibilityInScope(subject), candidate.parsed, live.map((r) => this.parser.earlier(r)));
        if (messages.length) throw incompatibleSchema(`Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`);
      }
      if (version > 0 && version !== nextVersion && mode !== 'IMPORT') throw invalidSchema('Version is not one more than previous version');
      const newVersion = version > 0 ? version : nextVersion;
      if (id >= 0) {
        if (this.state.withId(id).some((r) => !sameSchema(r, candidate))) throw operationNotPermitted(`Overwrite new schema with id ${id} is not permitted.`);
      } else if (schemaId < 0) schemaId = this.state.maxId + 1;

      // Earlier soft-deleted versions of the same schema go for good when it comes back (Confluent's cleanup).
      const records: LogRecord[] = all.filter((r) => r.deleted && r.id === schemaId && r.version < newVersion).map((r) => ({ key: schemaKey(subject, r.version), value: null }));
      const value: SchemaRecord = { subject, version: newVersion, id: schemaId, schemaType: candidate.type, references: candidate.references, schema: candidate.text, deleted: false };
      if (req.metadata !== undefined && req.metadata !== null) value.metadata = req.metadata;
      if (req.ruleSet !== undefined && req.ruleSet !== null) value.ruleSet = req.ruleSet;
      records.push({ key: schemaKey(subject, newVersion), value: encodeSchemaValue(value) });
      await this.write(records, 'Register schema operation failed while writing to the Kafka store', 'Register operation timed out');
      return schemaId;
    });
  }

  /** DELETE /subjects/{subject}/versions/{version}: the version deleted (soft, or for good after a soft delete). */
  deleteVersion(subject: string, version: string | number, opts: { permanent?: boolean } = {}): Promise<number> {
    return this.exclusive(async () => {
      const v = parseVersion(version);
      const r = v === -1 ? this.state.latest(subject) : this.state.version(subject, v);
      if (r?.deleted && !opts.permanent) throw versionSoftDeleted(subject, String(version));
      if (!r) throw this.state.hasSubject(subject, true) ? versionNotFound(v) : subjectNotFound(subject);
      this.checkWritable(subject);
      if (this.state.referencedBy(subject, r.version).length) throw referenceExists(subject, r.version);
      if (opts.permanent && !r.deleted) throw versionNotSoftDeleted(subject, String(r.version));
      const records: LogRecord[] = [];
      if (opts.permanent) records.push({ key: schemaKey(subject, r.version), value: null });
      else {
        records.push({ key: schemaKey(subject, r.version), value: encodeSchemaValue({ ...r, deleted: true }) });
        // The subject's last live version gone, its own settings go with it.
        if (!this.state.versionsOf(subject).some((x) => !x.deleted && x.version !== r.version)) records.push(...this.subjectSettingTombstones(subject));
      }
      await this.write(records, 'Delete Schema Version operation failed while writing to the Kafka store', 'Delete Schema Version operation timed out');
      return r.version;
    });
  }

  /** DELETE /subjects/{subject}: the versions deleted. */
  deleteSubject(subject: string, opts: { permanent?: boolean } = {}): Promise<number[]> {
    return this.exclusive(async () => {
      if (!this.state.hasSubject(subject, true)) throw subjectNotFound(subject);
      if (!opts.permanent && !this.state.hasSubject(subject, false)) throw subjectSoftDeleted(subject);
      this.checkWritable(subject);
      const targets = this.state.versionsOf(subject).filter((r) => opts.permanent || !r.deleted);
      for (const r of targets) {
        if (this.state.referencedBy(subject, r.version).length) throw referenceExists(subject, r.version);
        if (opts.permanent && !r.deleted) throw subjectNotSoftDeleted(subject);
      }
      const records: LogRecord[] = opts.permanent
        ? targets.map((r) => ({ key: schemaKey(subject, r.version), value: null }))
        : [
            { key: encodeKey({ keytype: 'DELETE_SUBJECT', subject }), value: encodeDeleteSubjectValue({ subject, version: targets[targets.length - 1].version }) },
            ...this.subjectSettingTombstones(subject),
          ];
      await this.write(records, `Error while deleting the subject ${subject}`, 'Delete subject operation timed out');
      return targets.map((r) => r.version);
    });
  }

  /** PUT /config[/{subject}] (null: the global level). The level set. */
  setCompatibility(subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    return this.exclusive(async () => {
      const lvl = typeof level === 'string' ? (level.toUpperCase() as CompatibilityLevel) : undefined;
      if (!lvl || !COMPATIBILITY_LEVELS.includes(lvl)) throw invalidCompatibilityLevel();
      if (subject !== null && (hasControlChar(subject) || subject === '__GLOBAL')) throw invalidSubject(subject);
      this.checkWritable(subject);
      const value = encodeConfigValue({ ...this.state.config(subject), subject, compatibilityLevel: lvl });
      await this.write([{ key: encodeKey({ keytype: 'CONFIG', subject }), value }], 'Failed to update compatibility level');
      return lvl;
    });
  }

  /** DELETE /config[/{subject}]: the level the scope had. */
  deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.exclusive(async () => {
      const current = subject === null ? this.globalCompatibility() : this.state.compatibility(subject);
      if (!current) throw subjectNotFound(subject);
      this.checkWritable(subject);
      await this.write([{ key: encodeKey({ keytype: 'CONFIG', subject }), value: null }], 'Failed to delete compatibility level');
      return current;
    });
  }

  /**
   * PUT /mode[/{subject}]. Entering IMPORT needs the scope empty (unless forced), and then drops its soft-deleted
   * versions for good, so that imported versions and ids cannot collide with them.
   */
  setMode(subject: string | null, mode: unknown, opts: { force?: boolean } = {}): Promise<Mode> {
    return this.exclusive(async () => {
      if (subject !== null && hasControlChar(subject)) throw invalidSubject(subject);
      const m = typeof mode === 'string' ? (mode.toUpperCase() as Mode) : undefined;
      if (!m || !MODES.includes(m)) throw invalidMode();
      const records: LogRecord[] = [];
      if (m === 'IMPORT' && this.modeInScope(subject) !== 'IMPORT' && !opts.force) {
        if (this.state.hasSubject(subject, false)) throw operationNotPermitted('Cannot import since found existing subjects');
        for (const s of subject === null ? this.state.subjectNames() : [subject]) {
          for (const r of this.state.versionsOf(s)) {
            if (this.state.referencedBy(s, r.version).length) throw referenceExists(s, r.version);
            records.push({ key: schemaKey(s, r.version), value: null });
          }
        }
        records.push({ key: encodeKey({ keytype: 'CLEAR_SUBJECT', subject }), value: encodeClearSubjectValue(subject) });
      }
      records.push({ key: encodeKey({ keytype: 'MODE', subject }), value: encodeModeValue({ subject, mode: m }) });
      await this.write(records, 'Failed to update mode', 'Update mode operation timed out');
      return m;
    });
  }

  /** DELETE /mode[/{subject}]: the mode the scope had. */
  deleteMode(subject: string | null): Promise<Mode> {
    return this.exclusive(async () => {
      const current = subject === null ? this.globalMode() : this.subjectMode(subject);
      if (!current) throw subjectNotFound(subject);
      await this.write([{ key: encodeKey({ keytype: 'MODE', subject }), value: null }], 'Failed to delete mode');
      return current;
    });
  }

  // ---- Reads ---------------------------------------------------------------------------------------------------

  /** POST /subjects/{subject}: the version of the subject holding the schema. */
  lookup(subject: string, req: SchemaRequest, opts: { normalize?: boolean; deleted?: boolean } = {}): SchemaRecord {
    const normalize = opts.normalize || this.normalizeInScope(subject);
    const filter: LookupFilter = opts.deleted ? 'all' : 'live';
    let found: SchemaRecord | undefined;
    if (req.schema?.trim()) {
      found = this.findInSubject(subject, this.parser.request(subject, req, normalize), filter);
      // As Confluent does, a schema not found as given is looked for normalized too.
      if (!found && !normalize) found = this.findInSubject(subject, this.parser.request(subject, req, true), filter);
    }
    if (!found) throw this.state.hasSubject(subject, !!opts.deleted) ? schemaNotFound() : subjectNotFound(subject);
    return found;
  }

  /** GET /subjects, sorted. A subject is deleted when all its versions are. */
  subjects(opts: { prefix?: string; deleted?: boolean; deletedOnly?: boolean } = {}): string[] {
    const filter = lookupFilter(opts);
    return this.state.subjectNames().filter((s) => {
      if (opts.prefix && !s.startsWith(opts.prefix)) return false;
      const deleted = this.state.versionsOf(s).every((r) => r.deleted);
      return filter === 'all' || (filter === 'deletedOnly') === deleted;
    });
  }

  /** GET /subjects/{subject}/versions. */
  versions(subject: string, opts: { deleted?: boolean; deletedOnly?: boolean } = {}): number[] {
    const filter = lookupFilter(opts);
    if (!this.state.hasSubject(subject, filter !== 'live')) throw subjectNotFound(subject);
    return this.state
      .versionsOf(subject)
      .filter((r) => included(r, filter))
      .map((r) => r.version);
  }

  /** GET /subjects/{subject}/versions/{version}. */
  getVersion(subject: string, version: string | number, opts: { deleted?: boolean } = {}): SchemaRecord {
    const v = parseVersion(version);
    const r = v === -1 ? this.state.latest(subject) : this.state.version(subject, v);
    if (!r || (r.deleted && !opts.deleted)) throw this.state.hasSubject(subject, !!opts.deleted) ? versionNotFound(v) : subjectNotFound(subject);
    return r;
  }

  /** GET /subjects/{subject}/versions/{version}/referencedby: ids of the live schemas referencing it. */
  referencedBy(subject: string, version: string | number): number[] {
    const r = this.getVersion(subject, version, { deleted: true });
    return this.state.referencedBy(subject, r.version);
  }

  /** GET /schemas/ids/{id}: a version with the id (the subject's, if it has one). Soft-deleted versions still serve. */
  schemaById(id: number, opts: { subject?: string } = {}): SchemaRecord {
    const all = this.state.withId(id);
    const r = all.find((x) => x.subject === opts.subject) ?? all.find((x) => !x.deleted) ?? all[0];
    if (!r) throw schemaNotFound(id);
    return r;
  }

  /** GET /schemas/ids/{id}/versions. */
  versionsForId(id: number, opts: { deleted?: boolean } = {}): Array<{ subject: string; version: number }> {
    const all = this.state.withId(id);
    if (!all.length) throw schemaNotFound();
    return all.filter((r) => opts.deleted || !r.deleted).map((r) => ({ subject: r.subject, version: r.version }));
  }

  /** GET /schemas/ids/{id}/subjects. */
  subjectsForId(id: number, opts: { deleted?: boolean } = {}): string[] {
    return [...new Set(this.versionsForId(id, opts).map((v) => v.subject))];
  }

  /** GET /schemas: versions by subject then version. */
  schemas(opts: { subjectPrefix?: string; deleted?: boolean; latestOnly?: boolean; offset?: number; limit?: number } = {}): SchemaRecord[] {
    const out: SchemaRecord[] = [];
    for (const s of this.state.subjectNames()) {
      if (opts.subjectPrefix && !s.startsWith(opts.subjectPrefix)) continue;
      const versions = this.state.versionsOf(s).filter((r) => opts.deleted || !r.deleted);
      out.push(...(opts.latestOnly ? versions.slice(-1) : versions));
    }
    const offset = Math.max(0, opts.offset ?? 0);
    return opts.limit !== undefined && opts.limit >= 0 ? out.slice(offset, offset + opts.limit) : out.slice(offset);
  }

  /** GET /schemas/types. */
  schemaTypes(): SchemaType[] {
    return TYPE_ORDER.filter((t) => this.providers[t]);
  }

  /** The largest id registered so far (GET /schemas/ids/{id}?fetchMaxId=true). */
  maxId(): number {
    return this.state.maxId;
  }

  /** GET /config[/{subject}]. A subject without its own level is an error unless `defaultToGlobal`. */
  getCompatibility(subject: string | null, opts: { defaultToGlobal?: boolean } = {}): CompatibilityLevel {
    if (subject === null) return this.globalCompatibility();
    const own = this.state.compatibility(subject);
    if (own) return own;
    if (opts.defaultToGlobal) return this.globalCompatibility();
    throw compatibilityNotConfigured(subject);
  }

  /** GET /mode[/{subject}]. A global READONLY_OVERRIDE overrides every subject's. */
  getMode(subject: string | null, opts: { defaultToGlobal?: boolean } = {}): Mode {
    if (subject === null) return this.globalMode();
    const m = opts.defaultToGlobal ? this.modeInScope(subject) : this.subjectMode(subject);
    if (!m) throw modeNotConfigured(subject);
    return m;
  }

  /**
   * POST /compatibility/subjects/{subject}/versions[/{version}]: the schema against one version (none: all live
   * ones, as a registration would check), at the subject's level. With `verbose` an invalid schema is an answer.
   */
  testCompatibility(subject: string, version: string | number | undefined, req: SchemaRequest, opts: { verbose?: boolean; normalize?: boolean } = {}): CompatibilityResult {
    let earlier: SchemaRecord[];
    if (version === undefined) earlier = this.state.versionsOf(subject).filter((r) => !r.deleted);
    else {
      const v = parseVersion(version);
      const r = v === -1 ? this.state.latest(subject) : this.state.version(subject, v);
      if (r && r.deleted) earlier = [];
      else earlier = r ? [r] : [];
      if (!earlier.length && v !== -1) throw versionNotFound(v);
    }
    let messages: string[];
    try {
      if (!req.schema?.trim()) throw invalidSchema('Empty schema');
      const candidate = this.parser.request(subject, req, !!opts.normalize || this.normalizeInScope(subject));
      messages = compatibilityMessages(this.compatibilityInScope(subject), candidate.parsed, earlier.map((r) => this.parser.earlier(r)));
    } catch (e) {
      if (!(opts.verbose && e instanceof SchemaRegistryError && e.errorCode === 42201)) throw e;
      messages = [e.message];
    }
    return { isCompatible: messages.length === 0, messages };
  }

  // ---- Helpers -------------------------------------------------------------------------------------------------

  private exclusive<T>(op: () => Promise<T>): Promise<T> {
    const run = this.writes.then(op, op);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends the records, then applies them: the state never runs ahead of the topic. Operations Confluent gives no
   * timeout message report a timeout as any store failure (50001), as Confluent does.
   */
  private async write(records: LogRecord[], storeMessage: string, timeoutMessage?: string): Promise<void> {
    try {
      await this.log.append(records);
    } catch (e) {
      throw timeoutMessage !== undefined && isTimeout(e) ? operationTimeout(timeoutMessage) : storeError(storeMessage);
    }
    for (const r of records) this.state.apply(r.key, r.value);
  }

  private checkWritable(subject: string | null): void {
    const m = this.modeInScope(subject);
    if (m === 'READONLY' || m === 'READONLY_OVERRIDE') throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
  }

  private subjectSettingTombstones(subject: string): LogRecord[] {
    const out: LogRecord[] = [];
    if (this.state.mode(subject)) out.push({ key: encodeKey({ keytype: 'MODE', subject }), value: null });
    if (this.state.config(subject)) out.push({ key: encodeKey({ keytype: 'CONFIG', subject }), value: null });
    return out;
  }

  private globalCompatibility(): CompatibilityLevel {
    return this.state.compatibility(null) ?? this.defaultCompatibility;
  }

  private compatibilityInScope(subject: string): CompatibilityLevel {
    return this.state.compatibility(subject) ?? this.globalCompatibility();
  }

  private normalizeInScope(subject: string): boolean {
    return this.state.config(subject)?.normalize ?? this.state.config(null)?.normalize ?? false;
  }

  private globalMode(): Mode {
    return this.state.mode(null) ?? DEFAULT_MODE;
  }

  private subjectMode(subject: string): Mode | undefined {
    return this.globalMode() === 'READONLY_OVERRIDE' ? 'READONLY_OVERRIDE' : this.state.mode(subject);
  }

  private modeInScope(subject: string | null): Mode {
    const global = this.globalMode();
    if (subject === null || global === 'READONLY_OVERRIDE') return global;
    return this.state.mode(subject) ?? global;
  }

  /** The subject's newest version holding the schema, among those the filter lets through. */
  private findInSubject(subject: string, c: Candidate, filter: LookupFilter): SchemaRecord | undefined {
    return this.state
      .versionsOf(subject)
      .reverse()
      .find((r) => included(r, filter) && sameSchema(r, c));
  }

  /** Any version, of any subject, holding the schema: its id is the schema's. */
  private findAnywhere(c: Candidate): SchemaRecord | undefined {
    for (const s of this.state.subjectNames()) {
      const r = this.findInSubject(s, c, 'all');
      if (r) return r;
    }
    return undefined;
  }
}

function lookupFilter(opts: { deleted?: boolean; deletedOnly?: boolean }): LookupFilter {
  return opts.deletedOnly ? 'deletedOnly' : opts.deleted ? 'all' : 'live';
}

function included(r: SchemaRecord, filter: LookupFilter): boolean {
  return filter === 'all' || (filter === 'deletedOnly') === r.deleted;
}
