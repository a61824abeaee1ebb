/** `meta.properties` in each log directory, in Kafka's KRaft format (version 1): cluster, node and directory ids. */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { io, writeFileAtomic } from './file-io';

const META_PROPERTIES = 'meta.properties';

interface MetaProperties {
  clusterId: string;
  nodeId: number;
  directoryId: string;
}

/** A random id in Kafka's printed form (Uuid.randomUuid().toString(): 22 url-safe base64 characters). */
export function randomKafkaId(): string {
  return randomBytes(16).toString('base64url');
}

export function readMetaProperties(dir: string): MetaProperties | undefined {
  const file = path.join(dir, META_PROPERTIES);
  if (!io.existsSync(file)) return undefined;
  const props = new Map<string, string>();
  for (const line of (io.readFileSync(file, 'utf8') as string).split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const i = line.indexOf('=');
    props.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const nodeId = Number(props.get('node.id') ?? props.get('broker.id'));
  const clusterId = props.get('cluster.id');
  if (!clusterId || !Number.isInteger(nodeId)) throw new Error(`${file} has no cluster.id or node.id`);
  return { clusterId, nodeId, directoryId: props.get('directory.id') ?? '' };
}

export function writeMetaProperties(dir: string, meta: MetaProperties): void {
  const text = [
    '#',
    `#${new Date().toUTCString()}`,
    `cluster.id=${meta.clusterId}`,
    `directory.id=${meta.directoryId}`,
    `node.id=${meta.nodeId}`,
    'version=1',
    '',
  ].join('\n');
  writeFileAtomic(path.join(dir, META_PROPERTIES), text);
}
