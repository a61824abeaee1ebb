/**
 * The segment inspector's host logic: the segments of a partition's replica on a node of the running broker (the
 * inspector can switch between replicas), or of one segment file anywhere on disk (a real Kafka log directory too),
 * dumped page by page as structured data (src/broker/segment-dump.ts) and a batch's raw bytes for the hex view.
 *
 * Files are only ever found from the panel's own partition or file: the topic, partition and node a request names
 * select nothing outside them (a node must hold a replica; a segment is named by its numeric base offset).
 */
import * as path from 'node:path';
import { KafkaError } from '../broker/errors';
import { dumpSegment, listSegments, readBatchBytes, segmentFileInfo, segmentLogFile } from '../broker/segment-dump';
import {
  BatchBytesRequest,
  DumpSegmentRequest,
  IpcMessage,
  ListSegmentsRequest,
  SegmentDump,
  SegmentInit,
  SegmentInitNotification,
  SegmentSummary,
} from '../shared/webview-protocol';
import { BrokerSource, PanelEnvironment, PanelRouter, int, obj, optInt } from './panel-router';
import { decodeField } from '../schemas/decoded-view';

/** What a segment panel shows: a partition of the running broker, or the segment of a file on disk. */
export type SegmentSource = { kind: 'partition'; topic: string; partition: number; node?: number } | { kind: 'file'; file: string };

/** Batches per page at most (the webview asks for 500). */
const MAX_BATCHES = 2000;
/** Bytes of one batch sent for the hex view at most. */
const MAX_HEX_BYTES = 1 << 20;

export function segmentSourceKey(s: SegmentSource): string {
  return s.kind === 'partition' ? `partition:${s.topic}\u241f${s.partition}` : `file:${path.resolve(segmentFileInfo(s.file).logFile)}`;
}

export class SegmentRouter extends PanelRouter {
  constructor(
    broker: BrokerSource,
    env: PanelEnvironment,
    readonly source: SegmentSource,
  ) {
    super('segment', broker, env);
  }

  /** The partition directory of the replica on `node` (partition mode) or of the file. */
  async directory(node?: number): Promise<{ dir: string; node: number; replicas: number[] }> {
    const s = this.source;
    if (s.kind === 'file') {
      const info = segmentFileInfo(s.file);
      return { dir: info.dir, node: info.node, replicas: [info.node] };
    }
    const api = await this.broker.api();
    const [status, topic] = await Promise.all([api.status(), api.describeTopic(s.topic)]);
    const p = topic.partitions.find((x) => x.partition === s.partition);
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${s.topic}' has no partition ${s.partition}.`);
    const up = (id: number) => status.nodes.some((n) => n.id === id && n.up);
    const chosen = node ?? s.node ?? (up(p.leader) ? p.leader : (p.replicas.find(up) ?? p.replicas[0]));
    if (!p.replicas.includes(chosen)) throw new KafkaError('REPLICA_NOT_AVAILABLE', `Node ${chosen} holds no replica of ${s.topic}-${s.partition} (replicas: ${p.replicas.join(', ')}).`);
    const n = status.nodes.find((x) => x.id === chosen);
    if (!n) throw new KafkaError('BROKER_NOT_AVAILABLE', `There is no node ${chosen}.`);
    return { dir: path.join(n.logDir, `${s.topic}-${s.partition}`), node: chosen, replicas: p.replicas };
  }

  async segments(node?: number): Promise<SegmentSummary[]> {
    const { dir } = await this.directory(node);
    const all = listSegments(dir);
    if (this.source.kind === 'partition') return all;
    const base = segmentFileInfo(this.source.file).baseOffset;
    return all.filter((x) => x.baseOffset === base);
  }

  async initData(): Promise<SegmentInit> {
    const { dir, node, replicas } = await this.directory();
    const s = this.source;
    const info = s.kind === 'file' ? segmentFileInfo(s.file) : undefined;
    const segments = listSegments(dir).filter((x) => !info || x.baseOffset === info.baseOffset);
    return {
      topic: s.kind === 'partition' ? s.topic : info!.topic,
      partition: s.kind === 'partition' ? s.partition : info!.partition,
      node,
      replicaNodes: replicas,
      segments,
    };
  }

  protected async init(): Promise<void> {
    try {
      await this.notify(SegmentInitNotification, await this.initData());
    } catch (e) {
      this.env.showMessage('error', `Segment inspector: ${(e as Error).message}`);
      const s = this.source;
      await this.notify(SegmentInitNotification, { topic: s.kind === 'partition' ? s.topic : path.basename(path.dirname(s.file)), partition: s.kind === 'partition' ? s.partition : -1, node: -1, replicaNodes: [], segments: [] });
    }
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (ListSegmentsRequest.is(msg)) {
      await this.answer(ListSegmentsRequest, msg, async (p) => ({ segments: await this.segments(optInt(obj(p, 'list').node, 'node')) }));
    } else if (DumpSegmentRequest.is(msg)) {
      await this.answer(DumpSegmentRequest, msg, (p) => this.dump(p));
    } else if (BatchBytesRequest.is(msg)) {
      await this.answer(BatchBytesRequest, msg, async (p) => {
        const q = obj(p, 'batchBytes');
        const file = await this.logFile(q.node, q.baseOffset);
        return readBatchBytes(file, int(q.position, 'position', 0), Math.min(optInt(q.maxBytes, 'maxBytes', 0) ?? 4096, MAX_HEX_BYTES));
      });
    } else return false;
    return true;
  }

  private async logFile(node: unknown, baseOffset: unknown): Promise<string> {
    const { dir } = await this.directory(this.source.kind === 'partition' ? optInt(node, 'node') : undefined);
    return segmentLogFile(dir, int(baseOffset, 'baseOffset', 0));
  }

  async dump(params: unknown): Promise<SegmentDump> {
    const q = obj(params, 'dump');
    const { dir, node } = await this.directory(this.source.kind === 'partition' ? optInt(q.node, 'node') : undefined);
    const file = segmentLogFile(dir, int(q.baseOffset, 'baseOffset', 0));
    const s = this.source;
    const info = s.kind === 'file' ? segmentFileInfo(s.file) : undefined;
    const dump = await dumpSegment(file, {
      fromPosition: optInt(q.fromPosition, 'fromPosition', 0),
      maxBatches: Math.min(optInt(q.maxBatches, 'maxBatches', 1) ?? 500, MAX_BATCHES),
      topic: s.kind === 'partition' ? s.topic : info!.topic,
      partition: s.kind === 'partition' ? s.partition : info!.partition,
      node,
    });
    await this.decodeSchemas(dump);
    return dump;
  }

  /**
   * Keys and values in the schema wire format, decoded with the cluster's registry. A preview cut short cannot be
   * decoded and stays as it is (the consumer panel reads the whole record).
   */
  private async decodeSchemas(dump: SegmentDump): Promise<void> {
    const serde = await this.broker.schemas?.().catch(() => undefined);
    if (!serde) return;
    const ctx = { topic: dump.topic };
    for (const batch of dump.batches) {
      if (batch.isControl) continue;
      for (const r of batch.records ?? []) {
        if (r.control || r.offsetsTopic) continue;
        const { key, value } = r;
        if (key && !key.truncated) r.key = await decodeField(serde, Buffer.from(key.base64, 'base64'), { ...ctx, isKey: true }, () => key);
        if (value && !value.truncated) r.value = await decodeField(serde, Buffer.from(value.base64, 'base64'), { ...ctx, isKey: false }, () => value);
      }
    }
  }
}
