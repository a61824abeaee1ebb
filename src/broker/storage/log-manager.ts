/**
 * One node's log directory (Kafka's LogManager): loads every partition at start (recovering after an unclean
 * shutdown), creates and deletes logs, writes the checkpoint files, and runs retention and flush on a timer.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LogConfig } from '../config/topic-config';
import { Logger, silentLogger } from '../logger';
import { KafkaError } from '../errors';
import { validateTopicName } from '../config/topic-name';
import { io } from './file-io';
import { Log } from './log';
import { OffsetCheckpointFile, TopicPartitionOffset } from './checkpoint-file';
import { TopicPartition, parsePartitionDirName, partitionDirName, tpKey, retiredDirName, DELETE_DIR_SUFFIX, STRAY_DIR_SUFFIX } from './log-files';
import { readMetaProperties, writeMetaProperties, randomKafkaId } from './meta-properties';
import { lockDirectory } from './dir-lock';
import { LogCleaner } from './log-cleaner';
import { DEFAULT_CLEANER_BACKOFF_MS } from './cleaner-config';

const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

interface LogManagerOptions {
  logDir: string;
  nodeId: number;
  clusterId: string;
  /** The resolved config of a topic (broker defaults plus the topic's overrides). */
  topicConfig: (topic: string) => LogConfig;
  logger?: Logger;
  now?: () => number;
  retentionCheckIntervalMs?: number;
  checkpointIntervalMs?: number;
  /** replica.high.watermark.checkpoint.interval.ms: high watermarks are checkpointed more often than the rest. */
  highWatermarkCheckpointIntervalMs?: number;
  /** log.cleaner.enable, log.cleaner.backoff.ms, log.cleaner.dedupe.buffer.size */
  logCleanerEnable?: boolean;
  logCleanerBackoffMs?: number;
  logCleanerDedupeBufferSize?: number;
  /** Told when a log's start, high watermark or end offset moves (Log.offsetsListener). */
  onOffsetsChanged?: (tp: TopicPartition) => void;
}

export class LogManager {
  private readonly logs = new Map<string, Log>();
  private readonly logger: Logger;
  private readonly unlock: () => void;
  private timers: NodeJS.Timeout[] = [];
  readonly directoryId: string;
  readonly hadCleanShutdown: boolean;
  /** Compacts the logs of cleanup.policy=compact topics (Kafka's LogCleaner). */
  readonly cleaner: LogCleaner;
  private closed = false;

  constructor(private readonly opts: LogManagerOptions) {
    this.logger = opts.logger ?? silentLogger;
    io.mkdirSync(opts.logDir, { recursive: true });
    this.unlock = lockDirectory(opts.logDir);
    try {
      const meta = readMetaProperties(opts.logDir);
      if (meta && meta.nodeId !== opts.nodeId) {
        throw new Error(`${opts.logDir} belongs to node ${meta.nodeId}, not node ${opts.nodeId}`);
      }
      if (meta && meta.clusterId !== opts.clusterId) {
        throw new KafkaError('INCONSISTENT_CLUSTER_ID', `${opts.logDir} belongs to cluster ${meta.clusterId}, not ${opts.clusterId}`);
      }
      this.directoryId = meta?.directoryId || randomKafkaId();
      if (!meta) writeMetaProperties(opts.logDir, { clusterId: opts.clusterId, nodeId: opts.nodeId, directoryId: this.directoryId });
      const marker = path.join(opts.logDir, CLEAN_SHUTDOWN_FILE);
      // A directory we have just formatted has nothing to recover.
      this.hadCleanShutdown = !meta || io.existsSync(marker);
      this.cleaner = new LogCleaner({ logDir: opts.logDir, logger: this.logger, now: opts.now, dedupeBufferSize: opts.logCleanerDedupeBufferSize });
      this.loadLogs();
      if (io.existsSync(marker)) io.unlinkSync(marker);
    } catch (e) {
      this.unlock();
      throw e;
    }
  }

  get logDir(): string {
    return this.opts.logDir;
  }

  private readonly checkpoints = new Map<string, OffsetCheckpointFile>();

  /** One object per file, kept: it remembers what it last wrote, so that unchanged offsets are not written again. */
  private checkpoint(name: string): OffsetCheckpointFile {
    let cp = this.checkpoints.get(name);
    if (!cp) this.checkpoints.set(name, (cp = new OffsetCheckpointFile(path.join(this.opts.logDir, name))));
    return cp;
  }

  /**
   * Opens every partition directory. Nothing in the directory stops the node from starting: an unfinished deletion is
   * finished, what is not a partition directory is left alone, and a log that cannot be opened is moved aside as
   * "-stray" (kept for the user, named in `warnings`), so the replica starts empty and refills from its leader.
   */
  private loadLogs(): void {
    const recoveryPoints = this.checkpoint(RECOVERY_POINT_CHECKPOINT).read();
    const logStartOffsets = this.checkpoint(LOG_START_OFFSET_CHECKPOINT).read();
    const highWatermarks = this.checkpoint(REPLICATION_OFFSET_CHECKPOINT).read();
    const started = Date.now();
    for (const name of (io.readdirSync(this.opts.logDir) as string[]).sort()) {
      const dir = path.join(this.opts.logDir, name);
      try {
        if (!io.statSync(dir).isDirectory()) continue;
      } catch (e) {
        this.warn(`${dir} cannot be read (${(e as Error).message}); left alone`);
        continue;
      }
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        // A topic deletion that did not finish before the last stop.
        try {
          io.rmSync(dir, { recursive: true, force: true });
        } catch (e) {
          this.warn(`${dir} (a deleted partition) could not be removed: ${(e as Error).message}`);
        }
        continue;
      }
      if (name.endsWith(STRAY_DIR_SUFFIX)) continue;
      const tp = parsePartitionDirName(name);
      if (!tp) {
        this.logger.info(`node ${this.opts.nodeId}: ${dir} is not a partition directory; left alone`);
        continue;
      }
      const key = tpKey(tp);
      try {
        const log = Log.open(dir, tp, this.opts.topicConfig(tp.topic), {
          recoveryPoint: recoveryPoints.get(key) ?? 0,
          logStartOffset: logStartOffsets.get(key),
          highWatermark: highWatermarks.get(key),
          hadCleanShutdown: this.hadCleanShutdown,
          logger: this.logger,
          now: this.opts.now,
        });
        log.offsetsListener = this.opts.onOffsetsChanged;
        this.logs.set(key, log);
      } catch (e) {
        this.moveAside(dir, tp, `it cannot be opened: ${(e as Error).message}`);
      }
    }
    this.logger.info(
      `node ${this.opts.nodeId}: loaded ${this.logs.size} logs from ${this.opts.logDir} in ${Date.now() - started} ms` +
        (this.hadCleanShutdown ? '' : ' (after an unclean shutdown: recovered from the recovery points)'),
    );
  }

  /** Problems found in the directory that the user should know of (logs moved aside, files left alone). */
  readonly warnings: string[] = [];

  private warn(message: string): void {
    const m = `node ${this.opts.nodeId}: ${message}`;
    this.warnings.push(m);
    this.logger.warn(m);
  }

  /** Renames a partition directory to "<topic>-<p>.<id>-stray": the broker no longer uses it, the data stays. */
  private moveAside(dir: string, tp: TopicPartition, why: string): void {
    const stray = path.join(this.opts.logDir, retiredDirName(tp, randomBytes(16).toString('hex'), STRAY_DIR_SUFFIX));
    try {
      io.renameSync(dir, stray);
      this.warn(`${dir} was moved aside to ${stray} because ${why}`);
    } catch (e) {
      this.warn(`${dir} is not used because ${why}; moving it aside failed too (${(e as Error).message})`);
    }
  }

  /** A log the cluster metadata does not know (its topic was deleted while this node was down, or the metadata was replaced). */
  retireUnknownLog(tp: TopicPartition): void {
    const log = this.getLog(tp);
    if (!log) return;
    log.close();
    this.logs.delete(tpKey(tp));
    this.cleaner.removeLog(tp);
    this.moveAside(log.dir, tp, 'its partition is not in the cluster metadata');
  }

  getLog(tp: TopicPartition): Log | undefined {
    return this.logs.get(tpKey(tp));
  }

  allLogs(): Log[] {
    return [...this.logs.values()];
  }

  /** The log of `tp`, created (with its partition.metadata) when it does not exist yet. */
  getOrCreateLog(tp: TopicPartition, topicId?: string): Log {
    const existing = this.getLog(tp);
    if (existing) return existing;
    validateTopicName(tp.topic);
    if (!Number.isInteger(tp.partition) || tp.partition < 0) throw new KafkaError('INVALID_PARTITIONS', `bad partition ${tp.partition}`);
    const dir = path.join(this.opts.logDir, partitionDirName(tp));
    const log = Log.open(dir, tp, this.opts.topicConfig(tp.topic), { topicId, logger: this.logger, now: this.opts.now, hadCleanShutdown: true });
    log.offsetsListener = this.opts.onOffsetsChanged;
    this.logs.set(tpKey(tp), log);
    this.logger.info(`node ${this.opts.nodeId}: created log ${log.name}`);
    return log;
  }

  /**
   * Deletes a partition: the directory is first renamed to `<topic>-<partition>.<id>-delete` (one atomic step,
   * so a crash cannot leave half a log under the real name; the topic cut short as Kafka does so the name fits in
   * 255 bytes), then removed.
   */
  deleteLog(tp: TopicPartition): boolean {
    const log = this.getLog(tp);
    if (!log) return false;
    log.close();
    this.logs.delete(tpKey(tp));
    this.cleaner.removeLog(tp);
    const doomed = path.join(this.opts.logDir, retiredDirName(tp, randomBytes(16).toString('hex'), DELETE_DIR_SUFFIX));
    io.renameSync(log.dir, doomed);
    io.rmSync(doomed, { recursive: true, force: true });
    this.logger.info(`node ${this.opts.nodeId}: deleted log ${log.name}`);
    return true;
  }

  /** Re-reads every log's config after a topic or broker config change. */
  updateTopicConfig(topic: string): void {
    for (const log of this.logs.values()) if (log.tp.topic === topic) log.updateConfig(this.opts.topicConfig(topic));
  }

  /** Every log takes its config again (the broker's defaults changed). */
  updateAllConfigs(): void {
    for (const log of this.logs.values()) log.updateConfig(this.opts.topicConfig(log.tp.topic));
  }

  private entries(get: (l: Log) => number): TopicPartitionOffset[] {
    return this.allLogs().map((l) => ({ topic: l.tp.topic, partition: l.tp.partition, offset: get(l) }));
  }

  checkpointRecoveryPoints(): void {
    this.checkpoint(RECOVERY_POINT_CHECKPOINT).write(this.entries((l) => l.recoveryPoint));
  }

  checkpointLogStartOffsets(): void {
    this.checkpoint(LOG_START_OFFSET_CHECKPOINT).write(this.entries((l) => l.logStartOffset));
  }

  checkpointHighWatermarks(): void {
    this.checkpoint(REPLICATION_OFFSET_CHECKPOINT).write(this.entries((l) => l.highWatermark));
  }

  checkpointAll(): void {
    this.checkpointRecoveryPoints();
    this.checkpointLogStartOffsets();
    this.checkpointHighWatermarks();
  }

  /** Retention for every log; returns the number of segments deleted. */
  cleanupLogs(now = Date.now()): number {
    let n = 0;
    for (const log of this.logs.values()) {
      try {
        n += log.deleteOldSegments(now);
      } catch (e) {
        this.logger.error(`retention of ${log.name} failed: ${(e as Error).message}`);
      }
    }
    if (n > 0) this.checkpointLogStartOffsets();
    return n;
  }

  flushDirtyLogs(now = Date.now()): void {
    for (const log of this.logs.values()) log.maybeFlushByTime(now);
  }

  /** Starts the periodic retention, flush and checkpoint tasks (Kafka's log.retention.check.interval.ms etc.). */
  startup(): void {
    const every = (ms: number, f: () => void) => {
      const t = setInterval(() => {
        try {
          f();
        } catch (e) {
          this.logger.error(`scheduled task failed: ${(e as Error).message}`);
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.retentionCheckIntervalMs ?? 300000, () => this.cleanupLogs());
    if (this.opts.logCleanerEnable !== false) {
      // Cleaning is synchronous: a time budget per round keeps the event loop free for clients.
      every(this.opts.logCleanerBackoffMs ?? DEFAULT_CLEANER_BACKOFF_MS, () => this.cleaner.cleanLogs(this.allLogs(), (this.opts.now ?? Date.now)(), 1000));
    }
    every(this.opts.checkpointIntervalMs ?? 60000, () => {
      this.flushDirtyLogs();
      this.checkpointAll();
    });
    // Kafka checkpoints high watermarks every 5 s: after a crash, what consumers could see comes back with them.
    every(this.opts.highWatermarkCheckpointIntervalMs ?? 5000, () => this.checkpointHighWatermarks());
  }

  /** Flushes and closes every log, writes the checkpoints and the clean-shutdown marker, releases the lock. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    try {
      for (const log of this.logs.values()) {
        log.flush();
        log.close();
      }
      this.checkpointAll();
      io.writeFileSync(path.join(this.opts.logDir, CLEAN_SHUTDOWN_FILE), '');
    } finally {
      this.unlock();
    }
    this.logger.info(`node ${this.opts.nodeId}: log manager shut down cleanly`);
  }
}
