/**
 * Loading and rebuilding a log's producer state from its snapshots and segments (Kafka's LogLoader and
 * UnifiedLog.rebuildProducerState): the latest usable snapshot, then the batches after it replayed as replicated
 * data (the leader checked them when they were written).
 */
import { LOG_OVERHEAD, isControl } from '../records/batch-header';
import { Logger, silentLogger } from '../logger';
import type { LogSegment } from './log-segment';
import { floorSegment, segmentsInRange } from './log-segments';
import { CompletedTxn, ProducerAppendInfo, TxnMarker, hasProducerId, readTxnMarker } from './producer-append-info';
import { ProducerStateManager } from './producer-state-manager';

/** Told of each transaction a replayed marker completes, with the last stable offset then (for .txnindex). */
type CompletedTxnHook = (segment: LogSegment, txn: CompletedTxn, lastStableOffset: number) => void;

/** Replays the batches of `seg` from the one holding `startOffset` up to `maxPosition`, as replicated data. */
function replaySegment(psm: ProducerStateManager, seg: LogSegment, startOffset: number, maxPosition: number, logger: Logger, onCompletedTxn?: CompletedTxnHook): void {
  const start = seg.translateOffset(startOffset);
  if (!start || start.position >= maxPosition) return;
  const loaded = new Map<number, ProducerAppendInfo>();
  const completed: CompletedTxn[] = [];
  seg.scanBatches(
    start.position,
    (b) => {
      const h = b.header;
      if (!hasProducerId(h)) return true;
      try {
        let marker: TxnMarker | undefined;
        if (isControl(h.attributes) && h.recordCount > 0) {
          const read = seg.read(h.baseOffset, 1, seg.size, true);
          if (read) marker = readTxnMarker(read.records.subarray(0, h.batchLength + LOG_OVERHEAD));
        }
        let info = loaded.get(h.producerId);
        if (!info) loaded.set(h.producerId, (info = psm.prepareUpdate(h.producerId, 'replication')));
        const c = info.append(h, marker);
        if (c) completed.push(c);
      } catch (e) {
        logger.warn(`${psm.partition}: skipping the batch at offset ${h.baseOffset} while rebuilding producer state: ${(e as Error).message}`);
      }
      return true;
    },
    maxPosition,
  );
  for (const info of loaded.values()) psm.update(info);
  for (const c of completed) {
    onCompletedTxn?.(seg, c, psm.lastStableOffset(c));
    psm.completeTxn(c);
  }
}

/**
 * Brings the producer state to `lastOffset` (Kafka's UnifiedLog.rebuildProducerState): from the latest snapshot in
 * (logStartOffset, lastOffset], replaying the batches after it, then writes a snapshot at `lastOffset`. Snapshots
 * are also taken at the base offsets of the last two segments on the way. After a clean shutdown that left no
 * snapshot at all (a log written before producer state existed), nothing is replayed: there was no state.
 */
export function rebuildProducerState(
  psm: ProducerStateManager,
  segments: readonly LogSegment[],
  logStartOffset: number,
  lastOffset: number,
  reloadFromCleanShutdown: boolean,
  logger: Logger = silentLogger,
  onCompletedTxn?: CompletedTxnHook,
): void {
  const offsetsToSnapshot: number[] = [];
  if (segments.length > 1) offsetsToSnapshot.push(segments[segments.length - 2].baseOffset);
  if (segments.length > 0) offsetsToSnapshot.push(segments[segments.length - 1].baseOffset);
  offsetsToSnapshot.push(lastOffset);

  if (psm.latestSnapshotOffset === undefined && reloadFromCleanShutdown) {
    for (const offset of offsetsToSnapshot) {
      psm.updateMapEndOffset(offset);
      psm.takeSnapshot();
    }
    return;
  }
  const isEmptyBeforeTruncation = psm.isEmpty && psm.mapEndOffset >= lastOffset;
  psm.truncateAndReload(logStartOffset, lastOffset);
  if (lastOffset > psm.mapEndOffset && !isEmptyBeforeTruncation) {
    const segmentOfLastOffset = floorSegment(segments, lastOffset);
    for (const seg of segmentsInRange(segments, psm.mapEndOffset, lastOffset)) {
      const startOffset = Math.max(seg.baseOffset, psm.mapEndOffset, logStartOffset);
      psm.updateMapEndOffset(startOffset);
      if (offsetsToSnapshot.includes(seg.baseOffset)) psm.takeSnapshot();
      let maxPosition = seg.size;
      if (seg === segmentOfLastOffset) maxPosition = seg.translateOffset(lastOffset)?.position ?? seg.size;
      replaySegment(psm, seg, startOffset, maxPosition, logger, onCompletedTxn);
    }
  }
  psm.updateMapEndOffset(lastOffset);
  psm.takeSnapshot();
}

/**
 * Loads a log's producer state at open (Kafka's LogLoader): drops stray snapshots; after an unclean shutdown also
 * every snapshot above the first segment that had to be recovered (it may describe data that never reached the
 * disk); then rebuilds from the latest remaining snapshot to the log end.
 */
export function loadProducerState(
  psm: ProducerStateManager,
  p: { segments: readonly LogSegment[]; logStartOffset: number; logEndOffset: number; hadCleanShutdown: boolean; firstRecoveredOffset?: number; logger?: Logger; onCompletedTxn?: CompletedTxnHook },
): void {
  psm.removeStraySnapshots(p.segments.map((s) => s.baseOffset));
  if (!p.hadCleanShutdown && p.firstRecoveredOffset !== undefined) psm.deleteSnapshotsAfter(p.firstRecoveredOffset);
  rebuildProducerState(psm, p.segments, p.logStartOffset, p.logEndOffset, p.hadCleanShutdown, p.logger, p.onCompletedTxn);
}
