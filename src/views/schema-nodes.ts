/**
 * The tree's schema registry nodes as plain data (see tree-nodes.ts): the Schemas section with the registry's
 * subjects, a topic's own subjects, each subject's versions, and what to show when the registry cannot be read.
 * No vscode import.
 */
import type { SchemaType, SubjectVersion } from '../schemas/registry-client';
import type { SubjectNameStrategy } from '../schemas/subject-names';
import type { SubjectSummary } from './schema-tree-data';
import type { TreeNode } from './tree-nodes';

const WARNING = 'list.warningForeground';
const ICON = 'symbol-structure';

const STRATEGY_NOTE: Record<SubjectNameStrategy, string> = {
  TopicNameStrategy: 'TopicNameStrategy: its subjects are <topic>-key and <topic>-value.',
  TopicRecordNameStrategy: 'TopicRecordNameStrategy: its subjects are <topic>-<record full name>, and <topic>-key and <topic>-value.',
  RecordNameStrategy:
    'RecordNameStrategy: subjects are named after records, not topics, so the registry cannot say which topics use them: every subject shaped like a record name (com.example.Order) is listed, with <topic>-key and <topic>-value.',
};

/** The host and port of a registry URL (the whole URL when it cannot be read). */
function where(url: string): string {
  try {
    const u = new URL(url);
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return url;
  }
}

/** The root's Schemas section; `problem` when the registry's endpoint could not even be made (a missing secret). */
export function schemasSectionNode(url: string | undefined, problem?: string): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'schemas' },
    label: 'Schemas',
    description: problem ? 'unavailable' : url ? where(url) : undefined,
    tooltip: problem
      ? `The schema registry cannot be used: ${problem}`
      : `The subjects of the schema registry at ${url}: each with its type, latest version and compatibility level, and its versions. A registry sends no events: Refresh reads it again (the schema commands do after a change).`,
    icon: ICON,
    color: problem ? WARNING : undefined,
    contextValue: 'tributary.schemas',
    collapsible: 'collapsed',
  };
}

/** Shown in place of subjects when the registry does not answer: why, never an exception. */
export function registryUnavailableNode(url: string | undefined, message: string): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'info' },
    label: 'Schema registry unavailable',
    description: message,
    tooltip: `${url ? `The schema registry at ${url} could not be read` : 'The schema registry cannot be used'}: ${message}\nRefresh tries again.`,
    icon: 'warning',
    color: WARNING,
    contextValue: 'tributary.info',
    collapsible: 'none',
  };
}

export function noSubjectsNode(): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'info' },
    label: 'No subjects yet',
    tooltip: 'Register a schema with Tributary: Register Schema from File, or produce with a serializer that registers its schema.',
    icon: 'info',
    contextValue: 'tributary.info',
    collapsible: 'none',
  };
}

/** A topic's Schemas (shown when it has any): the subjects the strategy ties to it (subject-names.ts). */
export function topicSchemasNode(topic: string, subjects: readonly string[], strategy: SubjectNameStrategy): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'topicSchemas', topic },
    label: 'Schemas',
    description: String(subjects.length),
    tooltip: [`The schema registry's subjects of the topic ${topic}: ${subjects.join(', ')}.`, STRATEGY_NOTE[strategy], 'The strategy is the setting tributary.schemaRegistry.subjectNameStrategy.'].join('\n'),
    icon: ICON,
    contextValue: 'tributary.topicSchemas',
    collapsible: 'collapsed',
  };
}

export function subjectNode(s: SubjectSummary, inTopic?: string): Omit<TreeNode, 'id'> {
  const ref = inTopic === undefined ? { kind: 'subject' as const, subject: s.subject } : { kind: 'subject' as const, subject: s.subject, inTopic };
  if (!s.latest) {
    return {
      ref,
      label: s.subject,
      description: 'unreadable',
      tooltip: `Subject ${s.subject} could not be read: ${s.error ?? 'no version'}`,
      icon: 'warning',
      color: WARNING,
      contextValue: 'tributary.subject',
      collapsible: 'collapsed',
    };
  }
  const v = s.latest;
  return {
    ref,
    label: s.subject,
    description: [v.schemaType, `v${v.version}`, s.compatibility].filter(Boolean).join(' · '),
    tooltip: [
      `Subject ${s.subject}`,
      `Type: ${v.schemaType}`,
      `Latest version: ${v.version} (schema id ${v.id})`,
      `Compatibility: ${s.compatibility || 'unknown'}`,
      ...(v.references.length ? [`References: ${v.references.map((r) => `${r.name} → ${r.subject} v${r.version}`).join(', ')}`] : []),
    ].join('\n'),
    icon: ICON,
    contextValue: 'tributary.subject',
    collapsible: 'collapsed',
  };
}

const LANGUAGE: Record<SchemaType, string> = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' };

/** One version of a subject; clicking it opens its text, its menu compares it with `previous`. */
export function schemaVersionNode(v: SubjectVersion, previous: number | undefined, latest: boolean, inTopic?: string): Omit<TreeNode, 'id'> {
  const ref = { kind: 'schemaVersion' as const, subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, ...(previous !== undefined ? { previous } : {}), ...(inTopic !== undefined ? { inTopic } : {}) };
  return {
    ref,
    label: `v${v.version}`,
    description: [`id ${v.id}`, v.schemaType, latest ? 'latest' : undefined].filter(Boolean).join(' · '),
    tooltip: [
      `${v.subject} version ${v.version}${latest ? ' (latest)' : ''}`,
      `Schema id: ${v.id}`,
      `Type: ${LANGUAGE[v.schemaType]}`,
      ...(v.references.length ? [`References: ${v.references.map((r) => `${r.name} → ${r.subject} v${r.version}`).join(', ')}`] : []),
      previous !== undefined ? `Click to open it; Compare with Previous shows what changed since v${previous}.` : 'Click to open it.',
    ].join('\n'),
    icon: 'file-code',
    contextValue: 'tributary.schemaVersion',
    collapsible: 'none',
    command: 'tributary.openSchemaVersion',
  };
}
