/**
 * What a partition directory holds, grouped as Kafka names it: segments by their 20-digit base offset (.log, .index,
 * .timeindex, .snapshot, .txnindex and their .deleted/.cleaned/.swap forms), and the rest (leader-epoch-checkpoint,
 * partition.metadata). Read from the directory itself, so the sidebar shows what is really on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileInfo, SegmentInfo } from './api';
import { offsetFromFileName, LOG_FILE_SUFFIX } from './storage/log-files';

interface PartitionFiles {
  segments: SegmentInfo[];
  otherFiles: FileInfo[];
}

/** Lists the directory; a directory that is gone (a topic deleted meanwhile) has no files. */
export function listPartitionFiles(dir: string): PartitionFiles {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { segments: [], otherFiles: [] };
    throw e;
  }
  const bySegment = new Map<number, SegmentInfo>();
  const otherFiles: FileInfo[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    let size: number;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // deleted between readdir and stat: retention or the cleaner at work
    }
    const info: FileInfo = { name, path: file, size };
    const base = offsetFromFileName(name);
    if (base === undefined) {
      otherFiles.push(info);
      continue;
    }
    let seg = bySegment.get(base);
    if (!seg) bySegment.set(base, (seg = { baseOffset: base, size: 0, files: [] }));
    seg.files.push(info);
    if (name.endsWith(LOG_FILE_SUFFIX)) seg.size = size;
  }
  return { segments: [...bySegment.values()].sort((a, b) => a.baseOffset - b.baseOffset), otherFiles };
}
