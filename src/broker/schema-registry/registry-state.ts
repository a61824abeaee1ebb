/**
 * What the registry knows, and nothing but what `_schemas` says: every version of every subject (soft-deleted ones
 * too, until a tombstone removes them), the compatibility and mode settings, and the largest id ever seen (ids are
 * never reused, not even after a hard delete, as Confluent's id generator counts from the largest id it read).
 * `apply` replays one record; records of kinds this registry does not know, or cannot read, are skipped as
 * Confluent's reader skips them.
 */
import {
  decodeConfigValue,
  decodeDeleteSubjectValue,
  decodeKey,
  decodeModeValue,
  decodeSchemaValue,
  type CompatibilityLevel,
  type ConfigRecord,
  type Mode,
  type SchemaRecord,
} from './schema-records';

/** The state as plain data, for comparing two registries (a live one and a replay of its records). */
export interface RegistrySnapshot {
  subjects: Record<string, SchemaRecord[]>;
  configs: Array<[string | null, ConfigRecord]>;
  modes: Array<[string | null, Mode]>;
  maxId: number;
}

const idKey = (subject: string, version: number): string => JSON.stringify([subject, version]);

export class RegistryState {
  private readonly subjects = new Map<string, Map<number, SchemaRecord>>();
  private readonly byId = new Map<number, Map<string, SchemaRecord>>();
  private readonly configs = new Map<string | null, ConfigRecord>();
  private readonly modes = new Map<string | null, Mode>();
  private largestId = 0;

  apply(keyBytes: Buffer, value: Buffer | null): void {
    const key = decodeKey(keyBytes);
    if (!key) return;
    switch (key.keytype) {
      case 'SCHEMA': {
        if (value === null) return this.removeVersion(key.subject, key.version);
        const v = decodeSchemaValue(value);
        // The key names the version; a value that disagrees would put it under the wrong one.
        if (v) this.putVersion({ ...v, subject: key.subject, version: key.version });
        return;
      }
      case 'CONFIG': {
        const v = value === null ? undefined : decodeConfigValue(value, key.subject);
        if (value === null) this.configs.delete(key.subject);
        else if (v) this.configs.set(key.subject, v);
        return;
      }
      case 'MODE': {
        const v = value === null ? undefined : decodeModeValue(value, key.subject);
        if (value === null) this.modes.delete(key.subject);
        else if (v) this.modes.set(key.subject, v.mode);
        return;
      }
      case 'DELETE_SUBJECT': {
        const v = value === null ? undefined : decodeDeleteSubjectValue(value, key.subject);
        if (!v) return;
        for (const r of this.versionsOf(key.subject)) if (r.version <= v.version && !r.deleted) this.putVersion({ ...r, deleted: true });
        return;
      }
      // CLEAR_SUBJECT follows the tombstones of the versions it clears, so the state has nothing left to drop; NOOP is
      // the marker Confluent writes to find the end of the topic.
      case 'CLEAR_SUBJECT':
      case 'NOOP':
        return;
    }
  }

  private putVersion(r: SchemaRecord): void {
    this.removeVersion(r.subject, r.version);
    let versions = this.subjects.get(r.subject);
    if (!versions) this.subjects.set(r.subject, (versions = new Map()));
    versions.set(r.version, r);
    let ids = this.byId.get(r.id);
    if (!ids) this.byId.set(r.id, (ids = new Map()));
    ids.set(idKey(r.subject, r.version), r);
    this.largestId = Math.max(this.largestId, r.id);
  }

  private removeVersion(subject: string, version: number): void {
    const versions = this.subjects.get(subject);
    const old = versions?.get(version);
    if (!versions || !old) return;
    versions.delete(version);
    if (!versions.size) this.subjects.delete(subject);
    const ids = this.byId.get(old.id);
    ids?.delete(idKey(subject, version));
    if (ids && !ids.size) this.byId.delete(old.id);
  }

  get maxId(): number {
    return this.largestId;
  }

  /** Every version of the subject, deleted ones included, oldest first. */
  versionsOf(subject: string): SchemaRecord[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  version(subject: string, version: number): SchemaRecord | undefined {
    return this.subjects.get(subject)?.get(version);
  }

  /** The newest version not deleted. */
  latest(subject: string): SchemaRecord | undefined {
    let out: SchemaRecord | undefined;
    for (const r of this.subjects.get(subject)?.values() ?? []) if (!r.deleted && (!out || r.version > out.version)) out = r;
    return out;
  }

  /** Whether the subject has a version (a live one, unless `includeDeleted`); a null subject asks about any. */
  hasSubject(subject: string | null, includeDeleted: boolean): boolean {
    const names = subject === null ? [...this.subjects.keys()] : [subject];
    return names.some((s) => [...(this.subjects.get(s)?.values() ?? [])].some((r) => includeDeleted || !r.deleted));
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()].sort();
  }

  /** Every version with the id, by subject then version (soft-deleted ones included). */
  withId(id: number): SchemaRecord[] {
    return [...(this.byId.get(id)?.values() ?? [])].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  /** Ids of the live versions that reference the subject's version. */
  referencedBy(subject: string, version: number): number[] {
    const ids = new Set<number>();
    for (const versions of this.subjects.values()) {
      for (const r of versions.values()) if (!r.deleted && r.references.some((ref) => ref.subject === subject && ref.version === version)) ids.add(r.id);
    }
    return [...ids].sort((a, b) => a - b);
  }

  config(subject: string | null): ConfigRecord | undefined {
    return this.configs.get(subject);
  }

  /** The level set for the subject (null: the global one), or undefined. */
  compatibility(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject)?.compatibilityLevel;
  }

  mode(subject: string | null): Mode | undefined {
    return this.modes.get(subject);
  }

  snapshot(): RegistrySnapshot {
    const subjects: Record<string, SchemaRecord[]> = {};
    for (const s of this.subjectNames()) subjects[s] = this.versionsOf(s).map((r) => ({ ...r }));
    const order = <T>(m: Map<string | null, T>): Array<[string | null, T]> => [...m.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)));
    return { subjects, configs: order(this.configs), modes: order(this.modes), maxId: this.largestId };
  }
}
