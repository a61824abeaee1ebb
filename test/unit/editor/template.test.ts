import { strict as assert } from 'node:assert';
import { RenderContext, RenderSources, compileHelper, compileTemplate, renderTemplate, splitArguments } from '../../../src/shared/template';
import { ProduceSpec, parseKafkaFile } from '../../../src/editor/kafka-file';
import { buildRecords } from '../../../src/editor/records';
import { compileFields, panelRecords } from '../../../webview/src/components/producer/templates';
import { prng } from '../../support/prng';

/** A context whose random() walks through the given values. */
function ctx(over: Partial<RenderContext> = {}, randoms: number[] = [0]): RenderContext {
  let k = 0;
  return { i: 0, seq: 1, now: () => Date.UTC(2025, 0, 31, 12, 0, 0), random: () => randoms[k++ % randoms.length], uuid: () => 'u-u-i-d', ...over };
}

function render(source: string, c: RenderContext = ctx()): string {
  const { template, problems } = compileTemplate(source);
  assert.deepEqual(problems, [], source);
  return renderTemplate(template, c);
}

describe('.kafka value helpers', () => {
  it('renders {{seq}}, {{i}}, {{uuid}}, {{now}} and {{timestamp}}', () => {
    const c = ctx({ i: 4, seq: 17 });
    assert.equal(render('#{{seq}} of run index {{i}}', c), '#17 of run index 4');
    assert.equal(render('{{uuid}}', c), 'u-u-i-d');
    assert.equal(render('{{now}}', c), '2025-01-31T12:00:00.000Z');
    assert.equal(render('{{timestamp}}', c), String(Date.UTC(2025, 0, 31, 12, 0, 0)));
    assert.equal(render('{{ seq }}', c), '17', 'spaces inside the braces are allowed');
  });

  it('draws random.int inclusively at both ends', () => {
    assert.equal(render('{{random.int(1,6)}}', ctx({}, [0])), '1');
    assert.equal(render('{{random.int(1,6)}}', ctx({}, [0.9999999])), '6');
    assert.equal(render('{{random.int(-5, -5)}}', ctx({}, [0.5])), '-5');
    const seen = new Set<string>();
    const { template } = compileTemplate('{{random.int(1,3)}}');
    const c = ctx({ random: Math.random });
    for (let n = 0; n < 500; n++) seen.add(renderTemplate(template, c));
    assert.deepEqual([...seen].sort(), ['1', '2', '3']);
  });

  it('chooses among random.choice arguments, quoted ones keeping commas and spaces', () => {
    assert.equal(render('{{random.choice(EUR,USD,GBP)}}', ctx({}, [0])), 'EUR');
    assert.equal(render('{{random.choice(EUR,USD,GBP)}}', ctx({}, [0.99])), 'GBP');
    assert.equal(render('{{random.choice("a, b", \'c d\')}}', ctx({}, [0])), 'a, b');
    assert.equal(render('{{random.choice("a, b", \'c d\')}}', ctx({}, [0.7])), 'c d');
    assert.deepEqual(splitArguments(' x , "y,z" , w '), ['x', 'y,z', 'w']);
    assert.deepEqual(splitArguments('"say \\"hi\\""'), ['say "hi"']);
  });

  it('makes random.string(n) of n letters and digits', () => {
    const s = render('{{random.string(12)}}', ctx({ random: Math.random }));
    assert.match(s, /^[A-Za-z0-9]{12}$/);
    assert.equal(render('{{random.string(0)}}'), '');
  });

  it('leaves text outside helpers alone, JSON braces included, and reads \\{{ as a literal {{', () => {
    assert.equal(render('{"id": {{seq}}, "tags": {"a": [1, {}]}}', ctx({ seq: 3 })), '{"id": 3, "tags": {"a": [1, {}]}}');
    assert.equal(render('\\{{seq}} is {{seq}}', ctx({ seq: 9 })), '{{seq}} is 9');
    assert.equal(compileTemplate('plain text').template.constant, true);
    assert.equal(compileTemplate('{{seq}}').template.constant, false);
  });

  it('reports unknown helpers and bad arguments with their position, never evaluating anything', () => {
    const cases: Array<[string, RegExp]> = [
      ['{{process.exit(1)}}', /unknown helper \{\{process\.exit\}\}/],
      ['{{1+1}}', /is not a helper/],
      ['{{random.int(5,1)}}', /a <= b/],
      ['{{random.int(1)}}', /needs two whole numbers/],
      ['{{random.int(a,b)}}', /whole numbers/],
      ['{{random.choice()}}', /at least one choice/],
      ['{{random.string(-1)}}', /length from 0/],
      ['{{seq(1)}}', /takes no arguments/],
      ['{{random.choice("open)}}', /unclosed/],
    ];
    for (const [src, want] of cases) {
      const { template, problems } = compileTemplate(`x ${src} y`);
      assert.equal(problems.length, 1, src);
      assert.match(problems[0].message, want, src);
      assert.equal(problems[0].offset, 2, src);
      assert.equal(problems[0].length, src.length, src);
      // The text is kept literally.
      assert.equal(renderTemplate(template, ctx()), `x ${src} y`);
    }
    const open = compileTemplate('a {{seq\n}}');
    assert.equal(open.problems.length, 1);
    assert.match(open.problems[0].message, /without a closing/);
    assert.equal(typeof compileHelper('constructor'), 'string');
    assert.equal(typeof compileHelper('__proto__'), 'string');
  });
});

describe('one template language: the producer panel and .kafka files', () => {
  /** Seeded sources: a clock that ticks 1 ms a call, random numbers from a seed, UUIDs made of those numbers. */
  function seeded(seed: number): RenderSources {
    const random = prng(seed);
    let t = Date.UTC(2025, 4, 1, 9, 30, 0);
    return { now: () => t++, random, uuid: () => `uuid-${Math.floor(random() * 1e9)}` };
  }

  const KEY = 'order-{{seq}}-{{random.string(5)}}';
  const HEADERS = [
    { key: 'X-Trace', value: '{{uuid}}' },
    { key: 'X-At', value: '{{timestamp}}' },
  ];
  const VALUE = [
    '{',
    '  "id": {{seq}},',
    '  "index": {{i}},',
    '  "amount": {{random.int(1,500)}},',
    '  "currency": "{{random.choice(EUR,USD,"G, B, P")}}",',
    '  "at": "{{now}}",',
    '  "ms": {{timestamp}},',
    '  "literal": "\\{{seq}}"',
    '}',
  ].join('\n');
  const FILE = `PRODUCE orders key="${KEY}" count=5\n${HEADERS.map((h) => `${h.key}: ${h.value}`).join('\n')}\n\n${VALUE}\n`;

  it('renders the same records from the same template, clock and random numbers', () => {
    const block = parseKafkaFile(FILE).blocks[0];
    assert.deepEqual(block.problems, []);
    const spec = block.request as ProduceSpec;
    const fromFile = buildRecords(spec, 0, 5, 41, seeded(7));
    const compiled = compileFields({ key: KEY, value: VALUE, headers: HEADERS });
    assert.equal(compiled.error, undefined);
    const fromPanel = panelRecords(compiled.templates!, 0, 5, 41, seeded(7));
    assert.deepEqual(
      fromPanel.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      fromFile.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    );
    // And what they render is the README's language: {{now}} ISO time, {{timestamp}} ms, {{seq}} from the counter.
    const first = JSON.parse(fromPanel[0].value!);
    assert.equal(first.id, 41);
    assert.equal(first.index, 0);
    assert.match(first.at, /^2025-05-01T09:30:00\.\d{3}Z$/);
    assert.equal(typeof first.ms, 'number');
    assert.equal(first.literal, '{{seq}}');
    assert.ok(['EUR', 'USD', 'G, B, P'].includes(first.currency));
    assert.match(fromPanel[4].key!, /^order-45-[A-Za-z0-9]{5}$/);
    // A later chunk of a run goes on with {{i}} and {{seq}} in both.
    assert.deepEqual(panelRecords(compiled.templates!, 3, 2, 41, seeded(9)).map((r) => JSON.parse(r.value!).id), [44, 45]);
  });

  it('refuses the same helpers with the same words', () => {
    for (const bad of ['{{nope}}', '{{now.iso}}', '{{i+1}}', '{{random.int(5,1)}}', '{{random.choice()}}', '{{seq']) {
      const file = parseKafkaFile(`PRODUCE orders\n\nvalue ${bad}`).blocks[0].problems.map((p) => p.message);
      const panel = compileFields({ key: '', value: `value ${bad}`, headers: [] });
      assert.equal(file.length, 1, bad);
      assert.equal(panel.error, `value: ${file[0]}`, bad);
    }
    // The helpers the panel used to know say what to write now.
    assert.match(compileHelper('now.iso') as string, /\{\{now\}\} is ISO time, \{\{timestamp\}\} milliseconds/);
    assert.match(compileHelper('i + 1') as string, /no arithmetic: \{\{seq\}\} counts from 1/);
    // A problem in a value of several lines says where, as the editor's squiggle would.
    assert.match(compileFields({ key: '', value: '{\n  "a": {{nope}}\n}', headers: [] }).error!, /^value, line 2 column 8: unknown helper \{\{nope\}\}/);
    assert.match(compileFields({ key: 'k-{{x}}', value: null, headers: [] }).error!, /^key: unknown helper \{\{x\}\}/);
  });

  it('an empty key is a null key in the panel; a null value stays null', () => {
    const t = compileFields({ key: '', value: null, headers: [{ key: 'h', value: 'v' }] }).templates!;
    assert.deepEqual(panelRecords(t, 0, 1, 1, seeded(1)), [{ key: null, value: null, headers: [{ key: 'h', value: 'v' }] }]);
  });
});
