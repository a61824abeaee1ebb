/**
 * Confluent's subject name strategies (the serializers' key.subject.name.strategy / value.subject.name.strategy):
 * which subject a record's schema goes under, and, the other way round, which of a registry's subjects the tree shows
 * under a topic. No vscode import.
 *
 * TopicNameStrategy names subjects `<topic>-key` and `<topic>-value`; TopicRecordNameStrategy `<topic>-<record full
 * name>`; RecordNameStrategy `<record full name>`, with no topic in it: such a subject may serve any topic, and the
 * registry alone cannot say which, so every subject shaped like a record name is shown under every topic then.
 */

export const SUBJECT_NAME_STRATEGIES = ['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy'] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];

/** A dotted name of identifiers, as Avro and Protobuf full names are (`com.example.Order`): never a `-`. */
export function isRecordFullName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(s);
}

/** The subject a serializer with this strategy uses; TopicNameStrategy's when the record's name is not known. */
export function subjectFor(strategy: SubjectNameStrategy, topic: string, isKey: boolean, recordName?: string): string {
  if (recordName && strategy === 'RecordNameStrategy') return recordName;
  if (recordName && strategy === 'TopicRecordNameStrategy') return `${topic}-${recordName}`;
  return `${topic}-${isKey ? 'key' : 'value'}`;
}

/**
 * The subjects of a topic among the registry's: its `-key` and `-value` ones under every strategy (keys are often
 * left on the default while values use another), then those the strategy adds. The rest of a TopicRecordNameStrategy
 * subject after `<topic>-` must be a record name, so topic `orders` does not claim `orders-eu-value` (topic
 * `orders-eu`'s).
 */
export function topicSubjects(topic: string, subjects: readonly string[], strategy: SubjectNameStrategy): string[] {
  const present = new Set(subjects);
  const own = [`${topic}-key`, `${topic}-value`].filter((s) => present.has(s));
  const prefix = `${topic}-`;
  const more =
    strategy === 'TopicRecordNameStrategy'
      ? subjects.filter((s) => s.startsWith(prefix) && isRecordFullName(s.slice(prefix.length)))
      : strategy === 'RecordNameStrategy'
        ? subjects.filter(isRecordFullName)
        : [];
  return [...own, ...more.filter((s) => !own.includes(s)).sort()];
}
