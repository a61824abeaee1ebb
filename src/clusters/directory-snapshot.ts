/**
 * A data directory read straight from disk, for when another process owns it (a `tributary start` in a terminal):
 * the sidebar still shows its nodes, topics, partitions and segment files, read-only. Offsets come from the
 * checkpoint files, so they lag the live broker by up to its checkpoint interval; the log end offset is unknown (-1).
 * Consumer groups need the broker's coordinator, so none are listed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrokerStatus, ClusterReader, GroupDescription, GroupSummary, NodeStatus, PartitionDescription, TopicDescription, TopicSummary } from '../broker/api';
import { METADATA_FILE, TopicState } from '../broker/metadata/metadata-store';
import { OffsetCheckpointFile } from '../broker/storage/checkpoint-file';
import { LOG_START_OFFSET_CHECKPOINT, REPLICATION_OFFSET_CHECKPOINT } from '../broker/storage/log-manager';
import { partitionDirName } from '../broker/storage/log-files';
import { listPartitionFiles } from '../broker/partition-files';
import { isInternalTopic } from '../broker/config/topic-name';
import { KafkaError } from '../broker/errors';

interface MetadataDocument {
  clusterId: string;
  topics: TopicState[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process holding a log directory's `.lock` (see src/broker/storage/dir-lock.ts), if any. */
function lockHolder(logDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(logDir, '.lock'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The `node-<id>` log directories of a data directory, by id. */
function nodeDirectories(dataDir: string): Array<{ id: number; dir: string }> {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ m: /^node-(\d+)$/.exec(n), n }))
    .filter((x) => x.m !== null)
    .map((x) => ({ id: Number(x.m![1]), dir: path.join(dataDir, x.n) }))
    .sort((a, b) => a.id - b.id);
}

export class DirectorySnapshot implements ClusterReader {
  constructor(readonly dataDir: string) {}

  private metadata(): MetadataDocument {
    const file = path.join(this.dataDir, METADATA_FILE);
    if (!fs.existsSync(file)) return { clusterId: '', topics: [] };
    return JSON.parse(fs.readFileSync(file, 'utf8')) as MetadataDocument;
  }

  async status(): Promise<BrokerStatus> {
    const doc = this.metadata();
    const counts = new Map<number, number>();
    for (const t of doc.topics) for (const p of t.partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
    const nodes: NodeStatus[] = nodeDirectories(this.dataDir).map(({ id, dir }) => ({
      id,
      host: '',
      port: null,
      up: lockHolder(dir) !== undefined,
      isController: false,
      leaderCount: counts.get(id) ?? 0,
      logDir: dir,
    }));
    return { clusterId: doc.clusterId, dataDir: this.dataDir, bootstrap: '', controllerId: -1, nodes };
  }

  async listTopics(): Promise<TopicSummary[]> {
    return this.metadata()
      .topics.map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        underReplicated: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
        offline: 0,
        internal: t.internal === true || isInternalTopic(t.name),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const t = this.metadata().topics.find((x) => x.name === topic);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
    const checkpoints = new Map<number, { start: Map<string, number>; hw: Map<string, number> }>();
    const read = (file: string) => {
      try {
        return new OffsetCheckpointFile(file).read();
      } catch {
        return new Map<string, number>(); // being rewritten, or damaged: the figures are only a hint here
      }
    };
    const checkpointsOf = (node: number) => {
      let c = checkpoints.get(node);
      if (!c) {
        const dir = path.join(this.dataDir, `node-${node}`);
        c = { start: read(path.join(dir, LOG_START_OFFSET_CHECKPOINT)), hw: read(path.join(dir, REPLICATION_OFFSET_CHECKPOINT)) };
        checkpoints.set(node, c);
      }
      return c;
    };
    const partitions = t.partitions.map((p): PartitionDescription => {
      const dirName = partitionDirName({ topic: t.name, partition: p.partition });
      const dir = path.join(this.dataDir, `node-${p.leader}`, dirName);
      const files = listPartitionFiles(dir);
      const cp = checkpointsOf(p.leader);
      return {
        partition: p.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: [...p.replicas],
        isr: [...p.isr],
        logStartOffset: cp.start.get(dirName) ?? files.segments[0]?.baseOffset ?? -1,
        highWatermark: cp.hw.get(dirName) ?? -1,
        logEndOffset: -1,
        size: files.segments.reduce((s, x) => s + x.size, 0),
        dir,
        ...files,
      };
    });
    return { name: t.name, topicId: t.topicId, internal: t.internal === true || isInternalTopic(t.name), configs: { ...t.configs }, partitions };
  }

  async listGroups(): Promise<GroupSummary[]> {
    return [];
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `Group ${groupId} can only be described by a running broker.`);
  }
}
