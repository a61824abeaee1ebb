/** Confluent's subject name strategies without VS Code: a record's subject, a topic's subjects, and the setting. */
import { strict as assert } from 'node:assert';
import { subjectNameStrategy } from '../../../src/config';
import { isRecordFullName, subjectFor, topicSubjects } from '../../../src/schemas/subject-names';

const SUBJECTS = ['orders-value', 'orders-key', 'orders-com.example.Refund', 'orders-eu-value', 'orders-eu-com.example.Refund', 'com.example.Payment', 'Payment', 'payments-value', 'orders-Value-x'];

describe('Subject name strategies (no VS Code)', () => {
  it('names a record\'s subject as the serializers do, falling back to TopicNameStrategy without a record name', () => {
    assert.equal(subjectFor('TopicNameStrategy', 'orders', false, 'com.example.Order'), 'orders-value');
    assert.equal(subjectFor('TopicNameStrategy', 'orders', true), 'orders-key');
    assert.equal(subjectFor('RecordNameStrategy', 'orders', false, 'com.example.Order'), 'com.example.Order');
    assert.equal(subjectFor('TopicRecordNameStrategy', 'orders', false, 'com.example.Order'), 'orders-com.example.Order');
    assert.equal(subjectFor('RecordNameStrategy', 'orders', false, undefined), 'orders-value');
  });

  it('a record full name is dotted identifiers', () => {
    assert.deepEqual(['com.example.Order', 'Order', '_a.b2', 'a-b', 'a..b', '.a', 'a.', '1a', ''].map(isRecordFullName), [true, true, true, false, false, false, false, false, false]);
  });

  it("a topic's subjects: -key and -value always, then the strategy's own, never another topic's", () => {
    assert.deepEqual(topicSubjects('orders', SUBJECTS, 'TopicNameStrategy'), ['orders-key', 'orders-value']);
    assert.deepEqual(topicSubjects('orders', SUBJECTS, 'TopicRecordNameStrategy'), ['orders-key', 'orders-value', 'orders-com.example.Refund']);
    assert.deepEqual(topicSubjects('orders-eu', SUBJECTS, 'TopicRecordNameStrategy'), ['orders-eu-value', 'orders-eu-com.example.Refund']);
    assert.deepEqual(topicSubjects('orders', SUBJECTS, 'RecordNameStrategy'), ['orders-key', 'orders-value', 'Payment', 'com.example.Payment']);
    assert.deepEqual(topicSubjects('audit', SUBJECTS, 'TopicNameStrategy'), []);
    assert.deepEqual(topicSubjects('orders.v2', ['orders.v2-value', 'ordersXv2-value'], 'TopicNameStrategy'), ['orders.v2-value'], 'a topic name is no pattern');
  });

  it('reads tributary.schemaRegistry.subjectNameStrategy, TopicNameStrategy when unset or unknown', () => {
    const get = (v: unknown) => ({ get: <T>(key: string) => (key === 'schemaRegistry.subjectNameStrategy' ? (v as T) : undefined) });
    assert.equal(subjectNameStrategy(get(undefined)), 'TopicNameStrategy');
    assert.equal(subjectNameStrategy(get('RecordNameStrategy')), 'RecordNameStrategy');
    assert.equal(subjectNameStrategy(get('TopicRecordNameStrategy')), 'TopicRecordNameStrategy');
    assert.equal(subjectNameStrategy(get('io.confluent.kafka.serializers.subject.RecordNameStrategy')), 'TopicNameStrategy');
  });
});
