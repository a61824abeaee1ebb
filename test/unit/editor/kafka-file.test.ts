import { strict as assert } from 'node:assert';
import { ConsumeSpec, ProduceSpec, blockAt, blocksIn, parseFrom, parseKafkaFile, tokenize } from '../../../src/editor/kafka-file';
import { renderTemplate } from '../../../src/shared/template';

const CTX = { i: 0, seq: 7, now: () => 0, random: () => 0, uuid: () => 'uuid-1' };

const SAMPLE = [
  '# Orders for the demo',
  'PRODUCE orders key=order-{{seq}} count=3',
  'Content-Type: application/json',
  '# a comment among the headers',
  'X-Trace: {{uuid}}',
  '',
  '{',
  '  "id": {{seq}},',
  '  "note": "# not a comment // nor this"',
  '}',
  '',
  '### read them back',
  'CONSUME orders from=-10 partition=0 max=5',
  '',
  '###',
  'produce plain-text',
  '',
  'hello',
  'world',
  '',
  '',
].join('\n');

describe('.kafka file parser', () => {
  const file = parseKafkaFile(SAMPLE);

  it('splits blocks at ### lines and finds each request', () => {
    assert.deepEqual(file.problems, []);
    assert.equal(file.blocks.length, 3);
    assert.deepEqual(
      file.blocks.map((b) => [b.kind, b.topic, b.startLine, b.requestLine, b.endLine, b.title]),
      [
        ['produce', 'orders', 0, 1, 9, undefined],
        ['consume', 'orders', 11, 12, 12, 'read them back'],
        ['produce', 'plain-text', 14, 15, 18, undefined],
      ],
    );
  });

  it('reads a PRODUCE header line, headers (comments skipped) and a multi-line JSON value', () => {
    const p = file.blocks[0].request as ProduceSpec;
    assert.equal(p.kind, 'produce');
    assert.equal(p.count, 3);
    assert.equal(renderTemplate(p.key!, CTX), 'order-7');
    assert.deepEqual(
      p.headers.map((h) => [h.name, renderTemplate(h.value, CTX)]),
      [
        ['Content-Type', 'application/json'],
        ['X-Trace', 'uuid-1'],
      ],
    );
    assert.equal(renderTemplate(p.value!, CTX), '{\n  "id": 7,\n  "note": "# not a comment // nor this"\n}');
  });

  it('reads CONSUME parameters', () => {
    assert.deepEqual(file.blocks[1].request as ConsumeSpec, { kind: 'consume', topic: 'orders', from: { kind: 'fromEnd', count: 10 }, partition: 0, max: 5 });
    const d = parseKafkaFile('CONSUME t').blocks[0].request as ConsumeSpec;
    assert.deepEqual(d, { kind: 'consume', topic: 't', from: { kind: 'earliest' }, max: 20 });
  });

  it('takes a text value without the blank lines around it, verbs in any case', () => {
    const p = file.blocks[2].request as ProduceSpec;
    assert.equal(renderTemplate(p.value!, CTX), 'hello\nworld');
    assert.equal(p.key, undefined);
    assert.deepEqual(p.headers, []);
  });

  it('produces a null value (tombstone) when there is no value, and handles CRLF files', () => {
    const f = parseKafkaFile('PRODUCE compacted key=user-1\r\nX-Why: delete\r\n\r\n\r\n###\r\nPRODUCE t\r\n\r\nv1\r\nv2\r\n');
    assert.deepEqual(f.problems, []);
    const a = f.blocks[0].request as ProduceSpec;
    assert.equal(a.value, null);
    assert.equal(a.headers.length, 1);
    assert.equal(renderTemplate((f.blocks[1].request as ProduceSpec).value!, CTX), 'v1\nv2');
  });

  it('starts the value at the first line that is no header even without a blank line', () => {
    const f = parseKafkaFile('PRODUCE t\nH: 1\n{"a": 1}');
    const p = f.blocks[0].request as ProduceSpec;
    assert.deepEqual(f.problems, []);
    assert.equal(p.headers.length, 1);
    assert.equal(renderTemplate(p.value!, CTX), '{"a": 1}');
  });

  it('reads quoted parameters and helpers with spaces as one token', () => {
    assert.deepEqual(
      tokenize('PRODUCE t key="a b \\"c\\"" x={{random.choice(a, b)}} y=1').map((t) => t.raw),
      ['PRODUCE', 't', 'key="a b \\"c\\""', 'x={{random.choice(a, b)}}', 'y=1'],
    );
    const p = parseKafkaFile('PRODUCE t key="user {{seq}}" partition=2 compression=zstd acks=1').blocks[0].request as ProduceSpec;
    assert.equal(renderTemplate(p.key!, CTX), 'user 7');
    assert.equal(p.partition, 2);
    assert.equal(p.compression, 'zstd');
    assert.equal(p.acks, 1);
  });

  it('parses every from= form', () => {
    assert.deepEqual(parseFrom('earliest'), { kind: 'earliest' });
    assert.deepEqual(parseFrom('latest'), { kind: 'latest' });
    assert.deepEqual(parseFrom('offset:42'), { kind: 'offset', offset: 42 });
    assert.deepEqual(parseFrom('42'), { kind: 'offset', offset: 42 });
    assert.deepEqual(parseFrom('-5'), { kind: 'fromEnd', count: 5 });
    assert.deepEqual(parseFrom('timestamp:1700000000000'), { kind: 'timestamp', timestamp: 1700000000000 });
    assert.deepEqual(parseFrom('timestamp:2025-01-31T12:00:00Z'), { kind: 'timestamp', timestamp: Date.UTC(2025, 0, 31, 12) });
    assert.equal(typeof parseFrom('yesterday'), 'string');
    assert.equal(typeof parseFrom('timestamp:soon'), 'string');
  });

  it('reports problems with their line and columns, and leaves such blocks without a request', () => {
    const text = [
      'PRODUCE bad/topic count=0 colour=red',
      '',
      'v {{nope}}',
      '###',
      'CONSUME t from=yesterday max=99999 partition=x',
      '###',
      'FETCH t',
      '###',
      'PRODUCE',
      '###',
      'PRODUCE t key=a key=b compression=brotli',
    ].join('\n');
    const f = parseKafkaFile(text);
    const at = (line: number) => f.problems.filter((p) => p.line === line).map((p) => p.message);
    assert.match(at(0)[0], /Topic name "bad\/topic" is illegal/);
    assert.match(at(0)[1], /count= must be from 1/);
    assert.match(at(0)[2], /no parameter 'colour'/);
    const topicProblem = f.problems.find((p) => p.line === 0 && /illegal/.test(p.message))!;
    assert.deepEqual([topicProblem.start, topicProblem.end], [8, 17]);
    const helper = f.problems.find((p) => p.line === 2)!;
    assert.match(helper.message, /unknown helper \{\{nope\}\}/);
    assert.deepEqual([helper.start, helper.end], [2, 10]);
    assert.equal(at(4).length, 3);
    assert.match(at(6)[0], /Expected PRODUCE <topic> or CONSUME <topic>, not 'FETCH'/);
    assert.match(at(8)[0], /needs a topic/);
    assert.match(at(10).join('\n'), /key= is given twice/);
    assert.match(at(10).join('\n'), /compression= must be one of/);
    assert.equal(f.blocks.length, 4, 'FETCH is no block');
    assert.ok(f.blocks.every((b) => b.request === undefined));
  });

  it('warns (without refusing) about a JSON value that does not parse once rendered', () => {
    const f = parseKafkaFile('PRODUCE t\n\n{"id": {{seq}}, }\n');
    assert.equal(f.problems.length, 1);
    assert.equal(f.problems[0].severity, 'warning');
    assert.match(f.problems[0].message, /looks like JSON but does not parse/);
    assert.ok(f.blocks[0].request, 'still runnable');
    assert.deepEqual(parseKafkaFile('PRODUCE t\n\n{"id": {{seq}}, "n": "{{random.choice(a,b)}}"}').problems, []);
  });

  it('finds the block at a line and the blocks of a selection', () => {
    assert.equal(blockAt(file, 0)?.index, 0);
    assert.equal(blockAt(file, 8)?.index, 0);
    assert.equal(blockAt(file, 10)?.index, 0, 'trailing blank lines belong to the block before');
    assert.equal(blockAt(file, 11)?.index, 1, 'a ### line belongs to the block it opens');
    assert.equal(blockAt(file, 17)?.index, 2);
    assert.deepEqual(blocksIn(file, 8, 12).map((b) => b.index), [0, 1]);
    assert.deepEqual(blocksIn(file, 0, 100).map((b) => b.index), [0, 1, 2]);
    assert.equal(parseKafkaFile('# only a comment\n\n').blocks.length, 0);
  });
});
