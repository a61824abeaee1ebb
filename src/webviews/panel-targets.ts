/**
 * What each panel shows, how it is told apart from the others (one panel per key) and titled, and how a panel
 * restored after a window reload is recognised from its title when the workspace state does not say. No vscode import.
 */
import * as path from 'node:path';
import { parsePartitionDirName } from '../broker/storage/log-files';
import type { PanelKind } from '../shared/webview-protocol';
import { SegmentSource, segmentSourceKey } from './segment-router';

export interface ProducerTarget {
  topic?: string;
}
export interface ConsumerTarget {
  topic: string;
}
export interface GroupTarget {
  groupId: string;
}
type ClusterTarget = Record<string, never>;
export interface TopicConfigTarget {
  topic: string;
}
export type { SegmentSource };

interface PanelTargets {
  producer: ProducerTarget;
  consumer: ConsumerTarget;
  group: GroupTarget;
  segment: SegmentSource;
  cluster: ClusterTarget;
  topicConfig: TopicConfigTarget;
}
export type AnyTarget = PanelTargets[PanelKind];

export function panelKey<K extends PanelKind>(kind: K, t: PanelTargets[K]): string {
  switch (kind) {
    case 'producer':
      return `producer:${(t as ProducerTarget).topic ?? ''}`;
    case 'consumer':
      return `consumer:${(t as ConsumerTarget).topic}`;
    case 'group':
      return `group:${(t as GroupTarget).groupId}`;
    case 'segment':
      return `segment:${segmentSourceKey(t as SegmentSource)}`;
    case 'topicConfig':
      return `topicConfig:${(t as TopicConfigTarget).topic}`;
    default:
      return 'cluster';
  }
}

export function panelTitle<K extends PanelKind>(kind: K, t: PanelTargets[K]): string {
  switch (kind) {
    case 'producer': {
      const topic = (t as ProducerTarget).topic;
      return topic ? `Produce: ${topic}` : 'Produce';
    }
    case 'consumer':
      return `Consume: ${(t as ConsumerTarget).topic}`;
    case 'group':
      return `Group: ${(t as GroupTarget).groupId}`;
    case 'segment': {
      const s = t as SegmentSource;
      return s.kind === 'partition' ? `Segments: ${s.topic}-${s.partition}` : `Segment: ${path.basename(path.dirname(s.file))}/${path.basename(s.file)}`;
    }
    case 'topicConfig':
      return `Configs: ${(t as TopicConfigTarget).topic}`;
    default:
      return 'Kafka Cluster';
  }
}

/** The target of a panel from its title (a segment file's path is not in its title: that needs the workspace state). */
export function targetFromTitle(kind: PanelKind, title: string): AnyTarget | undefined {
  switch (kind) {
    case 'producer': {
      const m = /^Produce(?:: (.+))?$/.exec(title);
      return m ? (m[1] ? { topic: m[1] } : {}) : undefined;
    }
    case 'consumer': {
      const m = /^Consume: (.+)$/.exec(title);
      return m ? { topic: m[1] } : undefined;
    }
    case 'group': {
      const m = /^Group: (.+)$/.exec(title);
      return m ? { groupId: m[1] } : undefined;
    }
    case 'segment': {
      const m = /^Segments: (.+)$/.exec(title);
      const tp = m ? parsePartitionDirName(m[1]) : undefined;
      return tp ? { kind: 'partition', topic: tp.topic, partition: tp.partition } : undefined;
    }
    case 'cluster':
      return title === 'Kafka Cluster' ? {} : undefined;
    case 'topicConfig': {
      const m = /^Configs: (.+)$/.exec(title);
      return m ? { topic: m[1] } : undefined;
    }
  }
}
