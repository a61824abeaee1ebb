// The parsers and formatters of the Kafka-tool commands, without a cluster: Java properties and JAAS options,
// LineMessageReader's lines, DefaultMessageFormatter's output, kafka-consumer-groups' datetime and duration, and
// kafka-configs' --add-config lists.
import { strict as assert } from 'node:assert';
import { jaasOptions, parseProperties, settingsFromProperties, table } from '../../../src/cli/kafka-client';
import { LineFormatError, LineSplitter, lineReaderConfig, parseLine } from '../../../src/cli/produce';
import { formatRecord, formatterConfig, recordJson } from '../../../src/cli/consume';
import { parseIsoDuration, parseKafkaDateTime } from '../../../src/cli/groups';
import { parseAddConfig } from '../../../src/cli/topics';
import { UsageError } from '../../../src/cli/args';
import { bytesFromBuffer, bytesToBuffer, type BytesInput, type ConsumedRecord } from '../../../src/broker/api';

const text = (b: BytesInput | null | undefined) => (b === null || b === undefined ? b : bytesToBuffer(b).toString('latin1'));

describe('cli: Kafka-tool parsers and formatters', () => {
  it('parseProperties reads Java .properties: separators, comments, continuations, escapes', () => {
    const p = parseProperties(['# comment', '! also a comment', 'a=1', 'b : two words ', 'c 3', '  d=x\\', '   y', 'e=tab\\there', 'f\\=g=h', 'u=\\u00e9', 'empty='].join('\r\n'));
    assert.deepEqual(Object.fromEntries(p), { a: '1', b: 'two words ', c: '3', d: 'xy', e: 'tab\there', 'f=g': 'h', u: 'é', empty: '' });
  });

  it('jaasOptions and settingsFromProperties: SASL users, PEM truststore, Kafka default mechanism refused', () => {
    assert.deepEqual(jaasOptions('org.apache.kafka.common.security.plain.PlainLoginModule required username="al\\"ice" password=\'p w\';'), { username: 'al"ice', password: 'p w' });
    const s = settingsFromProperties('h:1', new Map([['security.protocol', 'sasl_plaintext'], ['sasl.mechanism', 'scram-sha-512'], ['sasl.jaas.config', 'x required username="u" password="p";'], ['client.id', 'me']]));
    assert.deepEqual(s.config, { name: 'cli', bootstrapServers: 'h:1', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'SCRAM-SHA-512', username: 'u' });
    assert.equal(s.password, 'p');
    assert.equal(s.clientId, 'me');
    assert.throws(() => settingsFromProperties('h:1', new Map([['security.protocol', 'SASL_PLAINTEXT'], ['sasl.username', 'u'], ['sasl.password', 'p']])), /GSSAPI \(Kafka's default\) is not supported/);
    assert.deepEqual(settingsFromProperties('h:1', new Map()).config, { name: 'cli', bootstrapServers: 'h:1', securityProtocol: 'PLAINTEXT' });
  });

  it('LineSplitter ends lines at \\n, \\r\\n and \\r, also when \\r\\n is split between chunks; keeps a last line without its end', () => {
    const s = new LineSplitter();
    const all = [...s.push(Buffer.from('a\r')), ...s.push(Buffer.from('\nb\rc\n\nd')), ...s.push(Buffer.from('e\r')), ...s.end()];
    assert.deepEqual(all.map((b) => b.toString()), ['a', 'b', 'c', '', 'de']);
  });

  it('parseLine is LineMessageReader: headers, then key, then value; null.marker; ignore.error; its errors', () => {
    const both = lineReaderConfig(new Map([['parse.key', 'true'], ['parse.headers', 'true']]));
    const r = parseLine(Buffer.from('h1:v1,h2:v:2\tk\tv\talso value'), 1, both);
    assert.equal(text(r.key), 'k');
    assert.equal(text(r.value), 'v\talso value');
    assert.deepEqual(r.headers?.map((h) => [h.key, text(h.value)]), [['h1', 'v1'], ['h2', 'v:2']]);
    assert.throws(() => parseLine(Buffer.from('nokey'), 7, lineReaderConfig(new Map([['parse.key', 'true']]))), (e: Error) => e instanceof LineFormatError && e.message === "No key separator found on line number 7: 'nokey'");
    const nulls = lineReaderConfig(new Map([['parse.key', 'true'], ['key.separator', '='], ['null.marker', 'NULL'], ['ignore.error', 'true']]));
    assert.deepEqual([parseLine(Buffer.from('NULL=NULL'), 1, nulls).key, parseLine(Buffer.from('NULL=NULL'), 1, nulls).value], [null, null]);
    assert.equal(text(parseLine(Buffer.from('plain'), 1, nulls).value), 'plain');
    assert.throws(() => lineReaderConfig(new Map([['headers.delimiter', ',']])), UsageError);
    assert.throws(() => lineReaderConfig(new Map([['null.marker', '\t']])), /null\.marker and key\.separator may not be equal/);
  });

  it('formatRecord writes what DefaultMessageFormatter writes, bytes as they are; recordJson falls back to base64', () => {
    const rec: ConsumedRecord = {
      partition: 2, offset: 9, timestamp: 1000, timestampType: 'LogAppendTime', key: null, value: bytesFromBuffer(Buffer.from([0xff, 0x41])),
      headers: [{ key: 'a', value: bytesFromBuffer(Buffer.from('1')) }, { key: 'b', value: null }], size: 0, leaderEpoch: 0,
    };
    const all = formatterConfig(new Map(['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].map((k) => [k, 'true'])));
    assert.deepEqual(formatRecord(rec, all), Buffer.concat([Buffer.from('LogAppendTime:1000\tPartition:2\tOffset:9\ta:1,b:null\tnull\t'), Buffer.from([0xff, 0x41]), Buffer.from('\n')]));
    const noValue = formatterConfig(new Map([['print.value', 'false'], ['print.offset', 'true'], ['line.separator', '|']]));
    assert.equal(formatRecord(rec, noValue).toString(), 'Offset:9|');
    assert.deepEqual(JSON.parse(recordJson('t', rec)), { topic: 't', partition: 2, offset: 9, timestamp: 1000, timestampType: 'LogAppendTime', key: null, value: { base64: '/0E=' }, headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }] });
  });

  it("--to-datetime as Kafka's Utils.getDateTime (UTC unless zoned) and --by-duration as Java's Duration.parse", () => {
    assert.equal(parseKafkaDateTime('2021-01-01T00:00:00.002'), Date.UTC(2021, 0, 1) + 2);
    assert.equal(parseKafkaDateTime('2021-01-01T01:00:00+01:00'), Date.UTC(2021, 0, 1));
    assert.equal(parseKafkaDateTime('2021-01-01T01:00:00.5+0100'), Date.UTC(2021, 0, 1) + 500);
    assert.equal(parseKafkaDateTime('2020-12-31T19:00:00-05'), Date.UTC(2021, 0, 1));
    assert.throws(() => parseKafkaDateTime('2021-01-01'), UsageError);
    assert.equal(parseIsoDuration('PT1H'), 3_600_000);
    assert.equal(parseIsoDuration('P1DT2H3M4.5S'), 86_400_000 + 7_200_000 + 180_000 + 4500);
    assert.equal(parseIsoDuration('-PT10S'), -10_000);
    for (const bad of ['P', 'PT', '1h', 'P1H']) assert.throws(() => parseIsoDuration(bad), UsageError, bad);
  });

  it("parseAddConfig splits kafka-configs' lists outside brackets; table pads like Kafka's printf", () => {
    assert.deepEqual(parseAddConfig('cleanup.policy=[compact,delete], retention.ms=1000'), { 'cleanup.policy': 'compact,delete', 'retention.ms': '1000' });
    assert.throws(() => parseAddConfig('novalue'), UsageError);
    assert.deepEqual(table(['A', 'LONGER'], [['xyz', '1']], [2]), ['A   LONGER', 'xyz 1']);
  });
});
