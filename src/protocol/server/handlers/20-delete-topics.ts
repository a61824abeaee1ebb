// DeleteTopics v0-6: by name, and (v6+) by topic id; UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID for topics that
// do not exist, INVALID_REQUEST for duplicates and for entries naming both or neither; delete.topic.enable=false
// answers TOPIC_DELETION_DISABLED for every topic (v3+) or INVALID_REQUEST (v0-2), as Kafka does. Internal topics
// (__consumer_offsets, __transaction_state) are refused, as Kafka's tools refuse them.
import { defineHandler } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { isInternalTopic } from '../../../broker/config/topic-name';
import { uuidFromKafkaString, uuidToKafkaString, ZERO_UUID } from '../../codec';
import type { DeletableTopicResult } from '../../messages/delete-topics-response';
import { AclOperation, ResourceType, authorize, authorizeCluster } from '../authorize';

/** Kafka's message for the error (ApiError(TOPIC_AUTHORIZATION_FAILED) carries its default message). */
const TOPIC_AUTHORIZATION_FAILED_MESSAGE = 'Topic authorization failed.';

interface Entry {
  name: string | null;
  topicId: string;
}

export default defineHandler({
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const entries: Entry[] = ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const result = (e: Entry, errorCode: number, errorMessage: string | null = null): DeletableTopicResult => ({ name: e.name, topicId: e.topicId, errorCode, errorMessage });

    if (!cluster.brokerConfig.get<boolean>('delete.topic.enable')) {
      const code = ctx.apiVersion < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED;
      return { throttleTimeMs: 0, responses: entries.map((e) => result(e, code, 'Topic deletion is disabled.')) };
    }

    const count = (key: (e: Entry) => string | undefined) => {
      const m = new Map<string, number>();
      for (const e of entries) {
        const k = key(e);
        if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    // DELETE on the cluster covers every topic; Kafka's controller does not log its denial, topic ACLs may still allow.
    const clusterDelete = authorizeCluster(ctx, AclOperation.DELETE, false);
    const access = new Map<string, { describe: boolean; delete: boolean }>();
    const may = (name: string) => {
      let a = access.get(name);
      if (!a) {
        a = clusterDelete ? { describe: true, delete: true } : { describe: authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name), delete: authorize(ctx, AclOperation.DELETE, ResourceType.TOPIC, name) };
        access.set(name, a);
      }
      return a;
    };
    const byName = (e: Entry) => (e.name !== null && e.topicId === ZERO_UUID ? e.name : undefined);
    const byId = (e: Entry) => (e.name === null && e.topicId !== ZERO_UUID ? e.topicId : undefined);
    const names = count(byName);
    const ids = count(byId);
    // A topic named both by name and by id: Kafka refuses both entries and deletes nothing. Only when the principal
    // may delete it: otherwise the refusal would reveal which id the name has.
    const conflictIds = new Set<string>();
    for (const n of names.keys()) {
      const t = cluster.metadata.topic(n);
      if (t && ids.has(uuidFromKafkaString(t.topicId)) && may(n).describe && may(n).delete) conflictIds.add(uuidFromKafkaString(t.topicId));
    }
    const answered = new Set<string>();
    const responses: DeletableTopicResult[] = [];
    for (const e of entries) {
      const nameKey = byName(e);
      const idKey = byId(e);
      if (nameKey === undefined && idKey === undefined) {
        if (e.name === null) responses.push(result(e, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'));
        else responses.push(result(e, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'));
        continue;
      }
      const key = nameKey !== undefined ? `n:${nameKey}` : `i:${idKey}`;
      if (answered.has(key)) continue;
      answered.add(key);
      if (nameKey !== undefined && names.get(nameKey)! > 1) {
        responses.push(result({ name: nameKey, topicId: ZERO_UUID }, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
        continue;
      }
      if (idKey !== undefined && (ids.get(idKey)! > 1 || conflictIds.has(idKey))) {
        responses.push(result({ name: null, topicId: idKey }, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'));
        continue;
      }
      let name: string;
      let topicId: string;
      if (idKey !== undefined) {
        const t = cluster.metadata.topicById(uuidToKafkaString(idKey));
        if (!t) {
          responses.push(result(e, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'));
          continue;
        }
        name = t.name;
        topicId = idKey;
        // Ids are not secret, names are: the name is answered only to a principal that may DESCRIBE the topic.
        if (!may(name).delete) {
          responses.push(result({ name: may(name).describe ? name : null, topicId }, ErrorCode.TOPIC_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED_MESSAGE));
          continue;
        }
      } else {
        // DESCRIBE before existence, so that a topic the principal may not see is refused whether it exists or not.
        if (!may(nameKey!).describe) {
          responses.push(result(e, ErrorCode.TOPIC_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED_MESSAGE));
          continue;
        }
        const t = cluster.metadata.topic(nameKey!);
        if (!t) {
          responses.push(result(e, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'));
          continue;
        }
        if (!may(nameKey!).delete) {
          responses.push(result(e, ErrorCode.TOPIC_AUTHORIZATION_FAILED, TOPIC_AUTHORIZATION_FAILED_MESSAGE));
          continue;
        }
        name = t.name;
        topicId = uuidFromKafkaString(t.topicId);
        if (conflictIds.has(topicId)) {
          responses.push(result({ name, topicId }, ErrorCode.INVALID_REQUEST, 'The provided topic name maps to an ID that was already supplied.'));
          continue;
        }
      }
      try {
        // Kafka's tools refuse this too: the coordinators keep their state in these topics while they run.
        if (isInternalTopic(name)) throw new KafkaError('INVALID_REQUEST', `Topic ${name} is a Kafka internal topic and is not allowed to be deleted.`);
        cluster.deleteTopic(name);
        responses.push(result({ name, topicId }, ErrorCode.NONE));
      } catch (err) {
        const code = errorCodeOf(err);
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`DeleteTopics of ${name} failed: ${(err as Error).stack}`);
        responses.push(result({ name, topicId }, code, (err as Error).message));
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
