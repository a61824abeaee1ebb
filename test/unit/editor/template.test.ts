import { strict as assert } from 'node:assert';
import { RenderContext, compileHelper, compileTemplate, renderTemplate, splitArguments } from '../../../src/editor/template';

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
