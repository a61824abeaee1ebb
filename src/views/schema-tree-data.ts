/**
 * The schema registry's answers the tree shows, asked when a node needs them and kept until a refresh (the embedded
 * registry sends no events; the Refresh button and the schema commands clear them). The subject list is asked once
 * per refresh, its failure included: an unreachable registry costs one timeout, not one per expanded topic. A subject
 * is summarised (latest version, compatibility level) when a list shows it, and its versions read when it is expanded.
 * Answers are kept per registry URL, so switching clusters never shows another registry's. No vscode import.
 */
import type { SchemaRegistryClient, SubjectVersion } from '../schemas/registry-client';

export interface SubjectSummary {
  subject: string;
  latest?: SubjectVersion;
  /** The subject's level, or the global one it falls back to. */
  compatibility?: string;
  /** Why the subject could not be read (deleted meanwhile, the registry gone). */
  error?: string;
}

/** Requests in flight at once for one list: enough to be quick, few enough not to flood a shared registry. */
const PARALLEL = 8;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class SchemaTreeData {
  private url: string | undefined;
  private subjectList: Promise<string[]> | undefined;
  private readonly summaryCache = new Map<string, Promise<SubjectSummary>>();
  private readonly versionCache = new Map<string, Promise<SubjectVersion[]>>();

  clear(): void {
    this.subjectList = undefined;
    this.summaryCache.clear();
    this.versionCache.clear();
  }

  /** Every live subject, sorted; a rejection (the registry unreachable) is kept until the next refresh. */
  subjects(client: SchemaRegistryClient): Promise<string[]> {
    this.use(client);
    if (!this.subjectList) {
      this.subjectList = client.subjects().then((s) => [...s].sort());
      this.subjectList.catch(() => undefined); // kept, and read by whoever shows it
    }
    return this.subjectList;
  }

  /** The subjects' summaries, in their order; a subject that cannot be read carries its error. */
  summaries(client: SchemaRegistryClient, subjects: readonly string[]): Promise<SubjectSummary[]> {
    this.use(client);
    return mapLimit(subjects, PARALLEL, (subject) => {
      let p = this.summaryCache.get(subject);
      if (!p) {
        p = Promise.all([client.version(subject, 'latest'), client.compatibilityLevel(subject)]).then(
          ([latest, compatibility]) => ({ subject, latest, compatibility }),
          (e: unknown) => ({ subject, error: (e as Error).message }),
        );
        this.summaryCache.set(subject, p);
      }
      return p;
    });
  }

  /** A subject's versions, the latest first; a failure is not kept (the next expansion asks again). */
  versions(client: SchemaRegistryClient, subject: string): Promise<SubjectVersion[]> {
    this.use(client);
    let p = this.versionCache.get(subject);
    if (!p) {
      const loading = client.versions(subject).then((ns) => mapLimit([...ns].sort((a, b) => b - a), PARALLEL, (n) => client.version(subject, n)));
      loading.catch(() => {
        if (this.versionCache.get(subject) === loading) this.versionCache.delete(subject);
      });
      this.versionCache.set(subject, loading);
      p = loading;
    }
    return p;
  }

  private use(client: SchemaRegistryClient): void {
    if (client.url === this.url) return;
    this.clear();
    this.url = client.url;
  }
}
