/**
 * The typed message protocol between the extension host and Tributary's webview panels, imported by both sides
 * (GitLens' protocol.ts pattern). No `vscode`, Node or DOM import: plain data models and message descriptors.
 *
 * Three kinds of message, each named by `<scope>/<method>`:
 * - IpcCommand<P>: webview -> host, fire and forget;
 * - IpcRequest<P, R>: webview -> host; the host answers with the request's `response` notification, carrying
 *   `completionId` = the request's `id`, and either `params: R` or `error`;
 * - IpcNotification<P>: host -> webview, pushed whenever the host likes (initial data, live updates).
 *
 * Host side:   if (ProduceRequest.is(msg)) { ... reply(ProduceRequest, msg, result) }
 * Webview side: await host.request(ProduceRequest, params); host.on(ConsumerRecordsNotification, (p) => ...)
 *
 * Bytes travel as base64 (JSON has no bytes) together with a text preview. Offsets and timestamps are JS numbers
 * (exact to 2^53, as in the broker).
 */

// ---------------------------------------------------------------------------------------------------------------
// Message envelope and descriptors
// ---------------------------------------------------------------------------------------------------------------

export type PanelKind = 'producer' | 'consumer' | 'group' | 'segment' | 'cluster' | 'topicConfig';
type IpcScope = 'core' | PanelKind;

export interface IpcError {
  message: string;
  /** A Kafka error name (NON_EMPTY_GROUP, UNKNOWN_TOPIC_OR_PARTITION, ...) or another stable code, when known. */
  code?: string;
}

/** What goes through postMessage, both ways. */
export interface IpcMessage<T = unknown> {
  /** Unique per sender. */
  id: string;
  scope: IpcScope;
  /** `<scope>/<method>`; a response's method is `<request method>/completion`. */
  method: string;
  params: T;
  /** On a response: the id of the request it answers. */
  completionId?: string;
  /** On a response: set instead of meaningful params when the request failed. */
  error?: IpcError;
  timestamp: number;
}

abstract class IpcCall<Params> {
  /** Carries the Params type only; never set. */
  declare readonly _params?: Params;
  readonly method: string;

  constructor(
    readonly scope: IpcScope,
    method: string,
  ) {
    this.method = `${scope}/${method}`;
  }

  is(msg: { method?: unknown }): msg is IpcMessage<Params> {
    return msg.method === this.method;
  }
}

/** Webview -> host, no answer. */
export class IpcCommand<Params = void> extends IpcCall<Params> {
  readonly kind = 'command' as const;
}

/** Host -> webview. */
export class IpcNotification<Params = void> extends IpcCall<Params> {
  readonly kind = 'notification' as const;
}

/** Webview -> host, answered by `response` with the same completionId. */
export class IpcRequest<Params = void, Response = void> extends IpcCall<Params> {
  readonly kind = 'request' as const;
  readonly response: IpcNotification<Response>;

  constructor(scope: IpcScope, method: string) {
    super(scope, method);
    this.response = new IpcNotification<Response>(scope, `${method}/completion`);
  }
}

export type IpcParamsOf<T> = T extends IpcCall<infer P> ? P : never;

let nextId = 0;
/** A message id unique within this side of the channel. */
function ipcMessageId(): string {
  nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER;
  return `${Date.now().toString(36)}-${nextId.toString(36)}`;
}

/** Builds a command, request or notification message. */
export function ipcMessage<P>(call: IpcCall<P>, params: P): IpcMessage<P> {
  return { id: ipcMessageId(), scope: call.scope, method: call.method, params, timestamp: Date.now() };
}

/** Builds the host's answer to `request` (the message it received). */
export function ipcResponse<P, R>(call: IpcRequest<P, R>, request: IpcMessage<P>, result: R): IpcMessage<R> {
  return { id: ipcMessageId(), scope: call.scope, method: call.response.method, params: result, completionId: request.id, timestamp: Date.now() };
}

/** Builds the host's failure answer to `request`. */
export function ipcErrorResponse<P, R>(call: IpcRequest<P, R>, request: IpcMessage<P>, error: IpcError): IpcMessage<R | undefined> {
  return { id: ipcMessageId(), scope: call.scope, method: call.response.method, params: undefined, completionId: request.id, error, timestamp: Date.now() };
}

export function isIpcMessage(x: unknown): x is IpcMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Partial<IpcMessage>;
  return typeof m.id === 'string' && typeof m.method === 'string' && typeof m.scope === 'string';
}

// ---------------------------------------------------------------------------------------------------------------
// The HTML shell contract (the host generates the page; tests generate the same one)
// ---------------------------------------------------------------------------------------------------------------

/** The <body> attribute naming the panel the bundle renders. */
export const PANEL_ATTRIBUTE = 'data-panel';

/** The Content-Security-Policy every panel runs under: no inline script or style, nothing from the network. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
  ].join('; ');
}

interface WebviewHtmlOptions {
  panel: PanelKind;
  /** webview.cspSource. */
  cspSource: string;
  /** A fresh random nonce per render (at least 128 bits, base64 or hex). */
  nonce: string;
  /** asWebviewUri(dist/webview.js): an ES module. */
  scriptUri: string;
  title: string;
  /** Classic scripts to run before the bundle (tests put their fake host here); same nonce. */
  preloadScripts?: string[];
  /** Extra stylesheets (tests use them for VS Code's theme variables). */
  stylesheets?: string[];
  /** Omits the CSP meta tag (tests only: proves escaping does not depend on the CSP). */
  noCsp?: boolean;
  /** body class and data-vscode-theme-kind, e.g. vscode-dark (VS Code sets them itself; tests set them here). */
  themeKind?: 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast' | 'vscode-high-contrast-light';
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The page of a panel: the bundle is loaded as a nonce'd module script; the panel kind is a body attribute.
 * The `csp-nonce` meta tag is read by the toolkit (FAST) when it probes :focus-visible support with a temporary
 * <style> element; without it that probe is a CSP violation.
 */
export function webviewHtml(o: WebviewHtmlOptions): string {
  const csp = o.noCsp ? '' : `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(webviewCsp(o.cspSource, o.nonce))}">`;
  const links = (o.stylesheets ?? []).map((href) => `<link rel="stylesheet" href="${escapeAttr(href)}">`).join('\n    ');
  const pre = (o.preloadScripts ?? []).map((src) => `<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(src)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    ${csp}
    <meta property="csp-nonce" content="${escapeAttr(o.nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${links}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body ${PANEL_ATTRIBUTE}="${o.panel}"${o.themeKind ? ` class="${o.themeKind}" data-vscode-theme-kind="${o.themeKind}"` : ''}>
    ${pre}
    <script type="module" nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
  </body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared data models
// ---------------------------------------------------------------------------------------------------------------

/**
 * Some bytes (a key, value or header value): the first `maxPreviewBytes` of them as base64, and the same bytes
 * decoded as UTF-8 for display. `truncated` when the host sent fewer than `size` bytes: the whole value is then
 * only available through OpenValueCommand.
 */
export interface BytesView {
  /** Size of the whole field in bytes. */
  size: number;
  /** The bytes sent (all of them unless truncated), base64. */
  base64: string;
  /** The same bytes decoded as UTF-8 (invalid sequences as U+FFFD). Rendered as text, never as HTML. */
  text: string;
  /** The bytes are valid UTF-8 (when false, prefer the hex view). */
  utf8: boolean;
  truncated: boolean;
  /**
   * Set when the bytes are in Confluent's schema wire format and a schema registry is at hand: decoded, `text` is
   * the whole value as JSON (and `utf8` true) while `base64` keeps the bytes; not decodable, `error` says why.
   */
  schema?: SchemaView;
}

export interface SchemaView {
  id?: number;
  type?: 'AVRO' | 'PROTOBUF' | 'JSON';
  subject?: string;
  version?: number;
  /** The Avro record's or Protobuf message's full name. */
  messageName?: string;
  error?: string;
}

export interface RecordHeaderView {
  key: string;
  value: BytesView | null;
}

type TimestampType = 'CreateTime' | 'LogAppendTime';

/** A record as the consumer panel shows it. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: TimestampType;
  leaderEpoch?: number;
  key: BytesView | null;
  value: BytesView | null;
  headers: RecordHeaderView[];
  /** Bytes the record takes in its batch. */
  size: number;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  internal?: boolean;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
/** 0 = no answer, 1 = leader only, -1 = all in-sync replicas. */
export type Acks = 0 | 1 | -1;

// Groups: the broker's own shapes (plain data), shared by type only, so the panels and the broker cannot drift apart.
import type { TopicPartitions } from '../broker/coordinator/group/consumer-protocol';
import type { GroupDescription, ResetTarget, ResetPlanRow } from '../broker/coordinator/group/group-admin';
import type { RebalanceTrigger, RebalanceRecord, JoinPhase } from '../broker/coordinator/group/rebalance-journal';
export type { TopicPartitions, GroupDescription, ResetTarget, ResetPlanRow, RebalanceTrigger, RebalanceRecord, JoinPhase };

// Segments: what `tributary dump-log` prints (src/cli/dump-log.ts), as data.

export interface SegmentSummary {
  baseOffset: number;
  /** File names inside the partition directory. */
  logFile: string;
  logSize: number;
  indexSize: number;
  timeIndexSize: number;
  /** The segment new records are appended to. */
  active: boolean;
}

/** One batch with the fields of kafka-dump-log's batch line. */
export interface BatchDump {
  baseOffset: number;
  lastOffset: number;
  count: number;
  baseSequence: number;
  lastSequence: number;
  producerId: number;
  producerEpoch: number;
  partitionLeaderEpoch: number;
  isTransactional: boolean;
  isControl: boolean;
  /** null = OptionalLong.empty. */
  deleteHorizonMs: number | null;
  position: number;
  timestampType: TimestampType;
  maxTimestamp: number;
  /** Whole batch in bytes (batchLength + 12). */
  size: number;
  magic: number;
  compresscodec: string;
  /** The CRC stored in the batch (unsigned). */
  crc: number;
  /** The CRC-32C computed over the batch, when it differs from `crc`. */
  computedCrc?: number;
  isValid: boolean;
  /** Listed when the host decoded them (deep iteration); absent for a batch whose records were not read. */
  records?: SegmentRecord[];
  /** Why the records could not be decoded. */
  recordsError?: string;
}

/** A record line of kafka-dump-log, with its data. */
export interface SegmentRecord {
  offset: number;
  timestamp: number;
  keySize: number;
  valueSize: number;
  sequence: number;
  headerKeys: string[];
  key: BytesView | null;
  value: BytesView | null;
  headers: RecordHeaderView[];
  /** Control batches: "endTxnMarker: COMMIT coordinatorEpoch: 0" and the like. */
  control?: string;
  /** __consumer_offsets records, decoded. */
  offsetsTopic?: OffsetsTopicRecord;
}

interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number;
}

interface GroupMetadataMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  /** The decoded consumer assignment, when the bytes are one. */
  assignment?: TopicPartitions[];
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMetadataMember[];
}

/** A record of __consumer_offsets (offsets-records.ts); a null value is a tombstone. */
export type OffsetsTopicRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null }
  /** A consumer protocol (KIP-848) record: `record` is Kafka's record name, `summary` its value in words (null: tombstone). */
  | { type: 'consumerGroup'; group: string; record: string; memberId?: string; summary: string | null }
  | { type: 'unknown'; keyVersion: number };

export interface OffsetIndexEntry {
  offset: number;
  position: number;
  /** "past the end of the log", "points at offset 7, not 9", ... */
  problem?: string;
}

export interface TimeIndexEntry {
  timestamp: number;
  offset: number;
  problem?: string;
}

export interface SegmentDump {
  topic: string;
  partition: number;
  node: number;
  baseOffset: number;
  logFile: string;
  logSize: number;
  batches: BatchDump[];
  /** Where the next page starts when the segment holds more batches than were asked for; absent at the end. */
  nextPosition?: number;
  /** A torn or corrupt tail: Kafka's "Found N invalid bytes at the end of ..." and why. */
  invalidTail?: { position: number; bytes: number; reason: string };
  offsetIndex: OffsetIndexEntry[];
  timeIndex: TimeIndexEntry[];
  /** Anything else dump-log would print on stderr. */
  problems: string[];
}

// Cluster view.

export interface NodeView {
  id: number;
  host: string;
  port: number;
  up: boolean;
  isController: boolean;
  /** Replication delay injected on this node as a follower, ms (0 = none). */
  slowFollowerMs: number;
  /** Nodes this one cannot reach (cut links). */
  cutLinks: number[];
}

export interface PartitionView {
  topic: string;
  partition: number;
  /** -1 when offline. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface ClusterView {
  clusterId: string;
  controllerId: number;
  nodes: NodeView[];
  partitions: PartitionView[];
  /** Topics that are internal (__consumer_offsets, ...): hidden unless asked for. */
  internalTopics: string[];
  /** Why nodes cannot be stopped or faulted here (an external cluster); absent for the embedded broker. */
  faultsUnavailable?: string;
}

export interface ElectionEvent {
  at: number;
  topic: string;
  partition: number;
  /** -1 when there was no leader. */
  previousLeader: number;
  /** -1 when the partition went offline. */
  newLeader: number;
  leaderEpoch: number;
  reason: string;
}

/** Under-replicated: fewer in-sync replicas than replicas (and online). */
export function isUnderReplicated(p: PartitionView): boolean {
  return p.leader >= 0 && p.isr.length < p.replicas.length;
}
export function isOffline(p: PartitionView): boolean {
  return p.leader < 0;
}

// ---------------------------------------------------------------------------------------------------------------
// core: every panel
// ---------------------------------------------------------------------------------------------------------------

/** The bundle has loaded and listens: the host answers with the panel's didInit notification. */
export const WebviewReadyCommand = new IpcCommand<{ panel: PanelKind; restoredState?: unknown }>('core', 'webview/ready');
/** Copies text to the clipboard (vscode.env.clipboard). */
export const CopyToClipboardCommand = new IpcCommand<{ text: string; label?: string }>('core', 'copy');
/** Shows an information / error message in VS Code (for things worth more than an inline note). */
export const ShowMessageCommand = new IpcCommand<{ level: 'info' | 'warning' | 'error'; message: string }>('core', 'showMessage');
/** The topics changed (created, deleted, partitions added): producer and consumer refresh their pickers. */
export const TopicsChangedNotification = new IpcNotification<{ topics: TopicSummary[] }>('core', 'topics/didChange');

// ---------------------------------------------------------------------------------------------------------------
// producer
// ---------------------------------------------------------------------------------------------------------------

export interface ProducerInit {
  topics: TopicSummary[];
  /** Preselected topic (the sidebar node the panel was opened from). */
  topic?: string;
  /** The value is being edited in an editor (EditValueRequest) and its text is this: the panel follows it. */
  editing?: { name: string; text: string };
}
export const ProducerInitNotification = new IpcNotification<ProducerInit>('producer', 'didInit');

/** One record to produce; templates are already expanded by the webview. Text is sent as UTF-8. */
export interface ProduceRecordInput {
  key: string | null;
  value: string | null;
  headers: Array<{ key: string; value: string | null }>;
  /** Create time; the broker's clock when absent. */
  timestamp?: number;
}

export interface ProduceParams {
  topic: string;
  /** null = let the partitioner choose (murmur2 of the key, sticky for null keys). */
  partition: number | null;
  compression: CompressionName;
  acks: Acks;
  records: ProduceRecordInput[];
  /** Encode each key (JSON text) with this registered schema, in Confluent's wire format. */
  keySchema?: ProduceSchemaChoice;
  /** Encode each value (JSON text) likewise. */
  valueSchema?: ProduceSchemaChoice;
}

export interface ProduceSchemaChoice {
  subject: string;
  /** Default: the latest. */
  version?: number | 'latest';
}

/** The registry's subjects, for the producer's schema pickers; `registry` is absent when the cluster has none. */
export interface SchemaSubjects {
  registry?: string;
  subjects: string[];
  /** Why the list is empty when the registry could not be read. */
  error?: string;
}
export const SchemaSubjectsRequest = new IpcRequest<Record<string, never>, SchemaSubjects>('producer', 'schemaSubjects');

export interface ProduceResult {
  /** One per record, in order (acks 0: offsets are -1). */
  records: Array<{ partition: number; offset: number; timestamp: number }>;
}

/** Sends records (a repeat of N arrives in requests of at most PRODUCE_CHUNK records). */
export const ProduceRequest = new IpcRequest<ProduceParams, ProduceResult>('producer', 'produce');
export const PRODUCE_CHUNK = 500;

/**
 * Opens the value (templates as written) in a new untitled editor of that language beside the panel; what is typed
 * there comes back as ValueEditedNotification until the editor closes (ValueEditClosedNotification) or the panel
 * unlinks it (UnlinkValueCommand). One such editor per panel: a new request unlinks the previous one.
 */
export const EditValueRequest = new IpcRequest<{ text: string; language: 'json' | 'plaintext' }, { name: string }>('producer', 'editValue');
/** The linked editor's text changed (throttled). */
export const ValueEditedNotification = new IpcNotification<{ text: string }>('producer', 'value/didChange');
/** The linked editor was closed: the panel edits the value again. */
export const ValueEditClosedNotification = new IpcNotification<{ name: string }>('producer', 'value/didClose');
/** The panel stops following the linked editor (which stays open). */
export const UnlinkValueCommand = new IpcCommand<void>('producer', 'value/unlink');

// ---------------------------------------------------------------------------------------------------------------
// consumer
// ---------------------------------------------------------------------------------------------------------------

/** Where a live tail starts, in every partition it reads. */
export type StartPosition =
  /** The last `count` records of each partition (fewer where it holds fewer), then new ones: the default. */
  | { kind: 'lastN'; count: number }
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  /** The first record at or after this time (ms) in each partition. */
  | { kind: 'timestamp'; timestamp: number };

/** The consumer panel's default start: the last 100 records of each partition. */
export const DEFAULT_LAST_N = 100;
export const DEFAULT_START: StartPosition = { kind: 'lastN', count: DEFAULT_LAST_N };

/**
 * Reading forward from a point (earliest, an offset, a time) keeps the first records: once the panel's buffer
 * (ConsumerInit.maxRecords) is full the host stops reading and says so (ConsumerStop, reason 'buffer'), rather than
 * dropping the oldest as a tail does (lastN, latest: the newest records are the point, the oldest go).
 */
export function keepsFirst(start: StartPosition): boolean {
  return start.kind === 'earliest' || start.kind === 'offset' || start.kind === 'timestamp';
}

export interface ConsumerInit {
  topic: string;
  partitions: number;
  topics: TopicSummary[];
  /** Records kept in the webview: its buffer (a ring when tailing); default CONSUMER_MAX_RECORDS. */
  maxRecords?: number;
  /** Bytes of a key/value the host sends in BytesView before truncating. */
  maxPreviewBytes?: number;
  /** Start tailing right away from here (else the user presses Start). */
  autoStart?: StartPosition;
}
export const ConsumerInitNotification = new IpcNotification<ConsumerInit>('consumer', 'didInit');
export const CONSUMER_MAX_RECORDS = 100_000;

export interface SubscribeParams {
  topic: string;
  start: StartPosition;
  /** null = every partition. */
  partitions: number[] | null;
  /** Stop after this many records in all (absent: go on). The panel's buffer also stops a read that keepsFirst. */
  stopAfter?: number;
}
export interface SubscribeResult {
  /**
   * Stamped on every record batch of this subscription; batches of older ones are dropped. Ids strictly increase
   * within a panel (the webview drops batches below the newest id it has asked for, even before this answer).
   */
  subscriptionId: number;
  partitions: Array<{ partition: number; startOffset: number; endOffset: number }>;
}
/** (Re)starts the live tail: the host replaces any previous subscription of this panel. */
export const SubscribeRequest = new IpcRequest<SubscribeParams, SubscribeResult>('consumer', 'subscribe');
/** Stops fetching (the panel keeps what it shows). */
export const UnsubscribeCommand = new IpcCommand<void>('consumer', 'unsubscribe');
/** Pauses or resumes fetching without losing the position. */
export const PauseCommand = new IpcCommand<{ paused: boolean }>('consumer', 'pause');

/** Records pushed by the host, in offset order per partition; push at most a few thousand per message. */
export const ConsumerRecordsNotification = new IpcNotification<{ subscriptionId: number; records: ConsumedRecord[] }>('consumer', 'records');
export type ConsumerStatus = 'idle' | 'running' | 'paused' | 'stopped' | 'error';
/** Why a subscription stopped by itself: `records` were delivered, as many as stopAfter asked or the buffer holds. */
export interface ConsumerStop {
  records: number;
  reason: 'stopAfter' | 'buffer';
}
export const ConsumerStatusNotification = new IpcNotification<{ status: ConsumerStatus; message?: string; stopped?: ConsumerStop }>('consumer', 'status');

/** Opens the whole key or value of a record in an editor (it may be larger than what the webview holds). */
export const OpenValueCommand = new IpcCommand<{ topic: string; partition: number; offset: number; part: 'key' | 'value'; format: ValueFormat }>(
  'consumer',
  'openValue',
);
export type ValueFormat = 'text' | 'json' | 'hex';

/** Produces an existing record (bytes, headers, key) again to another topic. */
export const ReproduceRequest = new IpcRequest<
  { source: { topic: string; partition: number; offset: number }; targetTopic: string; targetPartition: number | null },
  { partition: number; offset: number }
>('consumer', 'reproduce');

// ---------------------------------------------------------------------------------------------------------------
// group inspector
// ---------------------------------------------------------------------------------------------------------------

export const GroupInitNotification = new IpcNotification<{ groupId: string; topics: TopicSummary[] }>('group', 'didInit');
/** The group's description (members, assignments, offsets, lag), pushed on change and periodically. */
export const GroupDescriptionNotification = new IpcNotification<{ description: GroupDescription; at: number }>('group', 'didChange');
/** The whole rebalance journal (newest last, bounded by the broker), pushed when it changes. */
/** `unavailable` says why there is no journal (an external cluster's coordinator keeps none that a client can read). */
export const GroupJournalNotification = new IpcNotification<{ groupId: string; records: RebalanceRecord[]; unavailable?: string }>('group', 'journal/didChange');
/** The group is gone (deleted, or the cluster stopped). */
export const GroupGoneNotification = new IpcNotification<{ groupId: string; reason: string }>('group', 'didGo');
export const GroupRefreshCommand = new IpcCommand<{ groupId: string }>('group', 'refresh');

export interface ResetParams {
  groupId: string;
  topic: string;
  target: ResetTarget;
  /** Default: every partition of the topic. */
  partitions?: number[];
}
/** kafka-consumer-groups --reset-offsets --dry-run. */
export const PlanResetRequest = new IpcRequest<ResetParams, { rows: ResetPlanRow[] }>('group', 'planReset');
/** Commits a reset; fails with code NON_EMPTY_GROUP while the group has members. */
export const ResetOffsetsRequest = new IpcRequest<ResetParams, { rows: ResetPlanRow[] }>('group', 'resetOffsets');

// ---------------------------------------------------------------------------------------------------------------
// segment inspector
// ---------------------------------------------------------------------------------------------------------------

export interface SegmentInit {
  topic: string;
  partition: number;
  /** The node whose replica is shown. */
  node: number;
  /** Nodes holding a replica (the inspector can switch). */
  replicaNodes: number[];
  segments: SegmentSummary[];
}
export const SegmentInitNotification = new IpcNotification<SegmentInit>('segment', 'didInit');
/** Segments of a partition on a node (after a switch of node, or a roll). */
export const ListSegmentsRequest = new IpcRequest<{ topic: string; partition: number; node: number }, { segments: SegmentSummary[] }>('segment', 'list');
/** One page of a segment's dump (batches from `fromPosition`), with both indexes. */
export const DumpSegmentRequest = new IpcRequest<
  { topic: string; partition: number; node: number; baseOffset: number; fromPosition?: number; maxBatches?: number },
  SegmentDump
>('segment', 'dump');
/** The raw bytes of one batch (for the hex view); at most `maxBytes`. */
export const BatchBytesRequest = new IpcRequest<
  { topic: string; partition: number; node: number; baseOffset: number; position: number; maxBytes?: number },
  { base64: string; size: number; truncated: boolean }
>('segment', 'batchBytes');

// ---------------------------------------------------------------------------------------------------------------
// cluster view
// ---------------------------------------------------------------------------------------------------------------

export const ClusterViewNotification = new IpcNotification<{ view: ClusterView }>('cluster', 'didChange');
/** A partition got a new leader (or went offline): pushed as it happens. */
/** New elections; `history` is the broker's record since it started, sent when the view opens (it replaces the list). */
export const ElectionNotification = new IpcNotification<{ events: ElectionEvent[]; history?: boolean }>('cluster', 'didElect');
export const StopNodeRequest = new IpcRequest<{ nodeId: number }, void>('cluster', 'stopNode');
export const StartNodeRequest = new IpcRequest<{ nodeId: number }, void>('cluster', 'startNode');
/** Delays replication fetches of a follower by delayMs (0 restores it). */
export const SlowFollowerRequest = new IpcRequest<{ nodeId: number; delayMs: number }, void>('cluster', 'slowFollower');
/** Cuts (or heals) the link between two nodes, both directions. */
export const CutLinkRequest = new IpcRequest<{ from: number; to: number; cut: boolean }, void>('cluster', 'cutLink');
/** Preferred leader election of every partition (kafka-leader-election --election-type PREFERRED --all-topic-partitions). */
export const ElectPreferredLeadersRequest = new IpcRequest<Record<string, never>, ElectionSummary>('cluster', 'electPreferred');

export interface ElectionSummary {
  /** Partitions whose preferred replica became the leader. */
  elected: number;
  /** Partitions already led by their preferred replica. */
  notNeeded: number;
  /** Partitions whose preferred replica could not lead (down, not in sync), with Kafka's error name. */
  failed: Array<{ topic: string; partition: number; error: string }>;
}

// ---------------------------------------------------------------------------------------------------------------
// topic configs
// ---------------------------------------------------------------------------------------------------------------

// The broker's own shape (name, value, default, source, type, documentation, validValues, readOnly), by type only.
import type { TopicConfigEntry, ConfigSourceName } from '../broker/api';
export type { TopicConfigEntry, ConfigSourceName };

/** Kafka's documentation of a topic config: its entry in the "Topic-Level Configs" section. */
export function topicConfigDocsUrl(name: string): string {
  return `https://kafka.apache.org/documentation/#topicconfigs_${encodeURIComponent(name)}`;
}

export const TopicConfigInitNotification = new IpcNotification<{ topic: string }>('topicConfig', 'didInit');
/** Every config of the topic as the cluster describes it, pushed on open, after a change (from anywhere) and on refresh. */
export const TopicConfigsNotification = new IpcNotification<{ topic: string; configs: TopicConfigEntry[]; at: number }>('topicConfig', 'didChange');
/** The topic is gone (deleted), or the cluster cannot be reached: `reason` says which. */
export const TopicConfigGoneNotification = new IpcNotification<{ topic: string; reason: string }>('topicConfig', 'didGo');
export const TopicConfigRefreshCommand = new IpcCommand<{ topic: string }>('topicConfig', 'refresh');
/** Opens Kafka's documentation of a config in the browser (the webview never navigates itself). */
export const OpenConfigDocsCommand = new IpcCommand<{ name: string }>('topicConfig', 'openDocs');

interface ConfigChange {
  name: string;
  /** The new override; null removes it (the topic goes back to the broker's setting or Kafka's default). */
  value: string | null;
}
export interface ApplyTopicConfigsParams {
  topic: string;
  /** Only the rows the user changed. */
  changes: ConfigChange[];
}
/** What the cluster refused, with Kafka's message; all the changes are refused together and none is made. */
interface ConfigRefusal {
  message: string;
  /** Kafka's error name (INVALID_CONFIG, POLICY_VIOLATION, ...). */
  code?: string;
  /** The change the message is about, when it names one. */
  config?: string;
}
export interface ApplyTopicConfigsResult {
  /** Every config afterwards (as before when refused, when the cluster still answers). */
  configs?: TopicConfigEntry[];
  /** The configs changed; empty when refused. */
  applied: string[];
  refused?: ConfigRefusal;
}
/** IncrementalAlterConfigs of the changed rows: one request, validated by the cluster as a whole. */
export const ApplyTopicConfigsRequest = new IpcRequest<ApplyTopicConfigsParams, ApplyTopicConfigsResult>('topicConfig', 'apply');

/** Every message, for hosts that route by table and for tests that check coverage. */
export const ALL_MESSAGES = {
  WebviewReadyCommand,
  CopyToClipboardCommand,
  ShowMessageCommand,
  TopicsChangedNotification,
  ProducerInitNotification,
  ProduceRequest,
  EditValueRequest,
  ValueEditedNotification,
  ValueEditClosedNotification,
  UnlinkValueCommand,
  ConsumerInitNotification,
  SubscribeRequest,
  UnsubscribeCommand,
  PauseCommand,
  ConsumerRecordsNotification,
  ConsumerStatusNotification,
  OpenValueCommand,
  ReproduceRequest,
  GroupInitNotification,
  GroupDescriptionNotification,
  GroupJournalNotification,
  GroupGoneNotification,
  GroupRefreshCommand,
  PlanResetRequest,
  ResetOffsetsRequest,
  SegmentInitNotification,
  ListSegmentsRequest,
  DumpSegmentRequest,
  BatchBytesRequest,
  ClusterViewNotification,
  ElectionNotification,
  StopNodeRequest,
  StartNodeRequest,
  SlowFollowerRequest,
  CutLinkRequest,
  ElectPreferredLeadersRequest,
  TopicConfigInitNotification,
  TopicConfigsNotification,
  TopicConfigGoneNotification,
  TopicConfigRefreshCommand,
  OpenConfigDocsCommand,
  ApplyTopicConfigsRequest,
} as const;
