/**
 * Runs `.kafka` blocks against the embedded broker: PRODUCE renders its records (in chunks, with progress and
 * cancel for long runs) and sends them through BrokerApi.produce, which partitions keyed records with Kafka's
 * murmur2; CONSUME reads each partition and opens the records in a read-only document. Results go to the output
 * channel and a notification; failures carry Kafka's error name.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BrokerApi } from '../broker/api';
import { readConsume } from './consume-plan';
import { kafkaErrorOf } from '../broker/rpc';
import { BrokerStartError } from '../broker/start-failure';
import type { TributaryApi } from '../clusters/tributary-api';
import type { ConsumeSpec, KafkaBlock, ProduceSpec } from './kafka-file';
import { defaultSources } from '../shared/template';
import { CHUNK_RECORDS, ProduceTally, buildRecords, consumeDocument, consumeSummary, decodeConsumed, encodeRecords, encodeTargets, type EncodeTargets, describeFrom, brokenJson, plural, produceRequest } from './records';
import type { RecordsDocuments } from './records-documents';

/** A context key set once a `.kafka` block has produced records in this window (package.json's walkthrough). */
const KAFKA_FILE_PRODUCED = 'tributary.producedFromKafkaFile';

/** Runs longer than this show a cancellable progress notification (Produce ×N always does). */
const PROGRESS_THRESHOLD = CHUNK_RECORDS;

interface RunOptions {
  /** Overrides the block's count= (Produce ×N). */
  count?: number;
  /** Show a cancellable progress notification whatever the count. */
  progress?: boolean;
  /** Say nothing in a notification when it worked (Produce File reports once at the end). */
  quiet?: boolean;
  /** Where key-schema-file= and value-schema-file= paths start. */
  docDir?: string;
}

interface RunOutcome {
  ok: boolean;
  /** Records produced or consumed. */
  records: number;
  cancelled?: boolean;
}

export class KafkaRunner {
  /** Each block's `{{seq}}` counter, by document and block: runs go on numbering where the last one stopped. */
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly api: TributaryApi,
    private readonly output: vscode.LogOutputChannel,
    private readonly documents: RecordsDocuments,
  ) {}

  /** Runs one block; problems in it are shown instead. */
  async run(doc: vscode.TextDocument, block: KafkaBlock, opts: RunOptions = {}): Promise<RunOutcome> {
    const request = block.request;
    if (!request) {
      const first = block.problems.find((p) => p.severity === 'error') ?? block.problems[0];
      const where = first ? ` Line ${first.line + 1}: ${first.message}` : '';
      void vscode.window.showErrorMessage(`This ${block.kind.toUpperCase()} block has errors and was not run.${where}`);
      return { ok: false, records: 0 };
    }
    const broker = await this.api.broker();
    if (!broker) return { ok: false, records: 0 };
    if (request.kind === 'consume') return this.consume(broker, request, opts);
    // Schema files are relative to the .kafka file (an untitled one: to the workspace).
    const docDir = doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const outcome = await this.produce(broker, request, `${doc.uri.toString()}#${block.index}`, { ...opts, docDir });
    // The walkthrough's "Produce from a .kafka file" step is done (its completion event): the lenses run blocks
    // through a command VS Code does not see by name, so the step cannot wait for a command.
    if (outcome.ok && outcome.records > 0) void vscode.commands.executeCommand('setContext', KAFKA_FILE_PRODUCED, true);
    return outcome;
  }

  private nextSeq(seqKey: string): number {
    return this.seqs.get(seqKey) ?? 1;
  }

  async produce(broker: BrokerApi, spec: ProduceSpec, seqKey: string, opts: RunOptions = {}): Promise<RunOutcome> {
    const total = opts.count ?? spec.count;
    const seqBase = this.nextSeq(seqKey);
    const tally = new ProduceTally();
    const started = Date.now();
    let jsonWarned = false;
    let targets: EncodeTargets = {};
    try {
      targets = encodeTargets(spec, opts.docDir, (f) => readFileSync(f, 'utf8'));
    } catch (e) {
      this.fail(`Produce to ${spec.topic}`, e, '');
      return { ok: false, records: 0 };
    }
    const serde = targets.key || targets.value ? await this.api.schemas() : undefined;
    if ((targets.key || targets.value) && !serde) {
      this.fail(`Produce to ${spec.topic}`, new Error('key-schema= and value-schema= need a schema registry, and this cluster has none (the embedded one is off, or the connection names none).'), '');
      return { ok: false, records: 0 };
    }
    const send = async (token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>) => {
      for (let first = 0; first < total; first += CHUNK_RECORDS) {
        if (token?.isCancellationRequested) return true;
        const n = Math.min(CHUNK_RECORDS, total - first);
        const records = buildRecords(spec, first, n, seqBase, defaultSources);
        if (!jsonWarned && spec.value && !spec.value.constant && typeof records[0].value === 'string' && brokenJson(records[0].value)) {
          jsonWarned = true;
          this.output.warn(`PRODUCE ${spec.topic}: the value looks like JSON but record ${first} does not parse as JSON; it is sent as written.`);
        }
        // Each chunk is encoded whole before it is sent: a record that does not fit its schema sends none of its chunk.
        if (serde) await encodeRecords(serde, targets, records, first);
        const result = await broker.produce(produceRequest(spec, records));
        tally.add(result.records);
        this.seqs.set(seqKey, seqBase + tally.total);
        progress?.report({ increment: (n / total) * 100, message: `${tally.total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` });
      }
      return false;
    };
    try {
      let cancelled = false;
      if (opts.progress || total > PROGRESS_THRESHOLD) {
        cancelled = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Producing ${plural(total, 'record')} to ${spec.topic}`, cancellable: true },
          (progress, token) => send(token, progress),
        );
      } else {
        cancelled = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Producing to ${spec.topic}` }, () => send());
      }
      const ms = Date.now() - started;
      const rate = ms > 0 && tally.total >= 1000 ? `, ${Math.round((tally.total * 1000) / ms).toLocaleString('en-US')} records/s` : '';
      const what = `${plural(tally.total, 'record')} to ${spec.topic}`;
      if (cancelled) {
        this.output.warn(`PRODUCE ${spec.topic}: cancelled after ${tally.total} of ${total} records · ${tally.describe() || 'nothing sent'} (${ms} ms)`);
        void vscode.window.showWarningMessage(`Cancelled after producing ${what} (of ${total.toLocaleString('en-US')}).`);
        return { ok: true, records: tally.total, cancelled: true };
      }
      this.output.info(`PRODUCE ${spec.topic}: ${plural(tally.total, 'record')} · ${tally.describe()} (${ms} ms${rate})`);
      if (!opts.quiet) void vscode.window.showInformationMessage(`Produced ${what}: ${tally.describe()}.`);
      return { ok: true, records: tally.total };
    } catch (e) {
      const done = tally.total > 0 ? ` after ${plural(tally.total, 'record')} (${tally.describe()})` : '';
      this.fail(`Produce to ${spec.topic}`, e, done);
      return { ok: false, records: tally.total };
    }
  }

  async consume(broker: BrokerApi, spec: ConsumeSpec, opts: RunOptions = {}): Promise<RunOutcome> {
    try {
      const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Consuming ${spec.topic}` }, async () => {
        return readConsume(broker, spec);
      });
      const count = results.reduce((n, r) => n + r.records.length, 0);
      this.output.info(consumeSummary(spec, results));
      const serde = await this.api.schemas().catch(() => undefined);
      const decoded = serde ? await decodeConsumed(serde, spec.topic, results) : undefined;
      const uri = this.documents.add(`${spec.topic} from ${describeFrom(spec.from)}`, consumeDocument(spec, results, new Date(), decoded));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
      if (!opts.quiet && count === 0) void vscode.window.showInformationMessage(`No records in ${spec.topic} from ${describeFrom(spec.from)}.`);
      return { ok: true, records: count };
    } catch (e) {
      this.fail(`Consume from ${spec.topic}`, e, '');
      return { ok: false, records: 0 };
    }
  }

  /** A failure in the log (with the stack) and as an error notification, naming Kafka's error. */
  fail(what: string, e: unknown, after: string): void {
    if (e instanceof BrokerStartError) {
      this.output.error(`${what} failed: ${e.failure.message}`);
      void vscode.window.showErrorMessage(`${what} failed: ${e.failure.message}`);
      return;
    }
    const message = (e as Error)?.message ?? String(e);
    const code = kafkaErrorOf(e);
    this.output.error(`${what} failed${after}${code ? ` with ${code}` : ''}: ${(e as Error)?.stack ?? message}`);
    void vscode.window.showErrorMessage(`${what} failed${after}${code ? ` with ${code}` : ''}: ${message}`, 'Show Log').then((a) => {
      if (a) this.output.show(true);
    });
  }
}
