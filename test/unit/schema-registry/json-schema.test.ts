import { strict as assert } from 'node:assert';
import { InvalidSchemaError, type ParsedSchema, type ResolvedReference } from '../../../src/broker/schema-registry/schema-provider';
import { jsonSchemaProvider } from '../../../src/broker/schema-registry/schema-types/json-schema';

const parse = (schema: unknown, references: ResolvedReference[] = []): ParsedSchema =>
  jsonSchemaProvider.parse(typeof schema === 'string' ? schema : JSON.stringify(schema), references);

const reference = (name: string, schema: unknown, references: ResolvedReference[] = []): ResolvedReference => ({
  name,
  subject: name,
  version: 1,
  schemaType: 'JSON',
  schema: JSON.stringify(schema),
  references,
});

/** The error types of `update.isBackwardCompatible(original)`, in order. */
function errorTypes(original: unknown, update: unknown): string[] {
  return parse(update)
    .isBackwardCompatible(parse(original))
    .map((m) => /^\{errorType:"([A-Z_]+)"/.exec(m)?.[1] ?? m);
}

function rejects(schema: unknown, reason: RegExp, references: ResolvedReference[] = []): void {
  assert.throws(
    () => parse(schema, references),
    (e: unknown) => e instanceof InvalidSchemaError && reason.test(e.message),
  );
}

describe('JSON Schema provider', () => {
  describe('canonical()', () => {
    it('is the text compact, in its own key order', () => {
      const s = parse('{ "type" : "object",\n  "properties" : { "b" : { "type" : "string" }, "a" : {} },\n "required" : [ "b" ] }');
      assert.equal(s.schemaType, 'JSON');
      assert.equal(s.canonical(), '{"type":"object","properties":{"b":{"type":"string"},"a":{}},"required":["b"]}');
    });

    it('prints numbers as Jackson does: floats are exact BigDecimals, integers plain', () => {
      const s = parse('{"minimum":1.0,"maximum":1e2,"multipleOf":0.0000001,"default":[-0,-0.0,100.50,1.5E3,12345678901234567890123,0.001]}');
      assert.equal(s.canonical(), '{"minimum":1.0,"maximum":1E+2,"multipleOf":1E-7,"default":[0,0.0,100.50,1.5E+3,12345678901234567890123,0.001]}');
    });

    it('escapes only what JSON requires, with upper-case hex, and keeps non-ASCII and "/" as they are', () => {
      const s = parse('{"description":"caf\\u00e9 \\/ \\"q\\" \\\\ \\b\\f\\n\\r\\t \\u001f \\u007f ✓"}');
      assert.equal(s.canonical(), '{"description":"café / \\"q\\" \\\\ \\b\\f\\n\\r\\t \\u001F \u007f ✓"}');
    });

    it('keeps a repeated key at its first place with its last value, as Jackson does', () => {
      assert.equal(parse('{"title":"a","type":"string","title":"b"}').canonical(), '{"title":"b","type":"string"}');
    });

    it('accepts the boolean schemas', () => {
      assert.equal(parse('true').canonical(), 'true');
      assert.equal(parse(' false ').canonical(), 'false');
    });
  });

  describe('normalized()', () => {
    it('sorts every object key and leaves arrays (required, enum, allOf) in their order', () => {
      const s = parse({ type: 'object', required: ['b', 'a'], properties: { b: { enum: ['z', 'y'] }, a: { type: 'string', title: 't' } }, allOf: [{ type: 'object' }, { title: 'x' }] });
      assert.equal(s.normalized(), '{"allOf":[{"type":"object"},{"title":"x"}],"properties":{"a":{"title":"t","type":"string"},"b":{"enum":["z","y"]}},"required":["b","a"],"type":"object"}');
    });

    it('is the same for schemas that differ only in key order and spacing', () => {
      const a = parse('{"type":"string","maxLength":3}');
      const b = parse('{ "maxLength": 3, "type": "string" }');
      assert.notEqual(a.canonical(), b.canonical());
      assert.equal(a.normalized(), b.normalized());
    });
  });

  describe('invalid schemas', () => {
    it('refuses text that is not JSON, saying where', () => {
      rejects('{"type": "string",}', /not valid JSON: .*line 1, column 19/);
      rejects('{"type": "string"} trailing', /unexpected content after the JSON value/);
      rejects('{"minimum": NaN}', /not valid JSON/);
      rejects('', /unexpected end of input/);
      rejects('{"type": \'string\'}', /not valid JSON/);
    });

    it('refuses JSON that is neither an object nor a boolean', () => {
      rejects('[{"type":"string"}]', /a JSON object or a boolean, not an array/);
      rejects('"string"', /not a string/);
      rejects('42', /not a number/);
      rejects('null', /not null/);
    });

    it('refuses what ajv will not compile: bad keyword values, unknown types, unresolved references', () => {
      rejects({ type: 'strnig' }, /type must be equal to one of the allowed values/);
      rejects({ type: 'string', minLength: 'x' }, /minLength must be integer/);
      rejects({ type: 'string', pattern: '(' }, /Invalid regular expression/);
      rejects({ properties: { a: { $ref: '#/definitions/missing' } } }, /can't resolve reference #\/definitions\/missing/);
      rejects({ $ref: 'address.json' }, /can't resolve reference address.json/);
      rejects({ $schema: 'http://json-schema.org/draft-06/schema#', type: 'number', exclusiveMinimum: true }, /exclusiveMinimum must be number/);
    });

    it('accepts every draft, and what Confluent accepts beside the standard keywords', () => {
      parse({ $schema: 'http://json-schema.org/draft-04/schema#', id: 'http://example.com/n', type: 'number', minimum: 1, exclusiveMinimum: true });
      parse({ $schema: 'http://json-schema.org/draft-06/schema#', type: 'number', exclusiveMinimum: 1 });
      parse({ $schema: 'http://json-schema.org/draft-07/schema#', if: { type: 'string' }, then: { minLength: 1 } });
      parse({ $schema: 'https://json-schema.org/draft/2019-09/schema', type: 'array', items: [{ type: 'string' }], unevaluatedItems: false });
      parse({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }], items: false });
      parse({ $schema: 'http://example.com/my-dialect', type: 'string' });
      parse({ id: 'legacy-id', type: 'string', format: 'made-up', 'connect.type': 'bytes', 'confluent:tags': ['PII'] });
      parse({ type: 'object', properties: { __proto__: { type: 'string' } } });
    });
  });

  describe('references', () => {
    const address = { type: 'object', properties: { street: { type: 'string' }, city: { $ref: 'city.json' } } };

    it('resolves a $ref by the reference name, references nesting', () => {
      const refs = [reference('address.json', address, [reference('city.json', { type: 'string' })])];
      const s = parse({ type: 'object', properties: { home: { $ref: 'address.json' } } }, refs);
      assert.equal(s.canonical(), '{"type":"object","properties":{"home":{"$ref":"address.json"}}}');
    });

    it('resolves names relative to the root $id, "./" names, and fragments into a referenced document', () => {
      const defs = reference('defs.json', { definitions: { id: { type: 'string', format: 'uuid' } } });
      parse({ $id: 'http://example.com/schemas/order.json', properties: { id: { $ref: 'defs.json#/definitions/id' } } }, [defs]);
      parse({ properties: { id: { $ref: './defs.json#/definitions/id' } } }, [defs]);
    });

    it('takes a reference whose own $id is the URL its name resolves to against the root $id (as generated schemas carry)', () => {
      const customer = reference('customer.json', { $id: 'http://example.com/schemas/customer.json', type: 'object', properties: { name: { type: 'string' } } });
      const s = parse({ $id: 'http://example.com/schemas/order.json', type: 'object', properties: { customer: { $ref: 'customer.json' } } }, [customer]);
      assert.match(s.canonical(), /"\$ref":"customer.json"/);
      // Its own $id under another name is still a second schema with that id: ajv's refusal stands.
      const other = reference('other.json', { $id: 'http://example.com/schemas/customer.json', type: 'string' });
      rejects({ $id: 'http://example.com/schemas/order.json', properties: { a: { $ref: 'customer.json' }, b: { $ref: 'other.json' } } }, /already exists/, [customer, other]);
    });

    it('refuses a referenced schema that is not JSON, naming it', () => {
      const bad: ResolvedReference = { ...reference('bad.json', {}), schema: '{oops' };
      rejects({ $ref: 'bad.json' }, /referenced schema 'bad.json' is not valid JSON/, [bad]);
    });

    it('follows references when comparing', () => {
      const v1 = parse({ type: 'object', properties: { home: { $ref: 'address.json' } } }, [
        reference('address.json', address, [reference('city.json', { type: 'string' })]),
      ]);
      const v2 = parse({ type: 'object', properties: { home: { $ref: 'address.json' } } }, [
        reference('address.json', address, [reference('city.json', { type: 'integer' })]),
      ]);
      assert.deepEqual(v2.isBackwardCompatible(v1), [
        `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/home/properties/city' is different between the %s schema and the %s schema"}`,
      ]);
      assert.deepEqual(v1.isBackwardCompatible(v1), []);
    });

    it('treats moving a definition behind a local $ref as no change', () => {
      assert.deepEqual(errorTypes({ type: 'string' }, { $ref: '#/definitions/s', definitions: { s: { type: 'string' } } }), []);
      assert.deepEqual(errorTypes({ $ref: '#/$defs/s', $defs: { s: { type: 'string' } } }, { type: 'string' }), []);
    });

    it('terminates on recursive schemas and still sees a change inside them', () => {
      const tree = (leaf: string) => ({ $ref: '#/definitions/node', definitions: { node: { type: 'object', properties: { value: { type: leaf }, children: { type: 'array', items: { $ref: '#/definitions/node' } } } } } });
      assert.deepEqual(errorTypes(tree('string'), tree('string')), []);
      assert.deepEqual(errorTypes(tree('string'), tree('number')), ['TYPE_CHANGED']);
      const list = (leaf: string) => ({ type: 'object', properties: { value: { type: leaf }, next: { $ref: '#' } } });
      assert.deepEqual(errorTypes(list('integer'), list('number')), []);
      // Reported once, where it is, not again at each level of the recursion.
      assert.deepEqual(parse(list('number')).isBackwardCompatible(parse(list('string'))), [
        `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/value' is different between the %s schema and the %s schema"}`,
      ]);
    });

    it('does not take a recursion for compatible when a union depends on it (and stays fast on recursive unions)', () => {
      // T0 -> T2 -> T0 through one-member unions; the root union matches T0 and T1, each changed in its id.
      const node = (id: string, next: string) => ({ type: 'object', properties: { id: { type: id }, next: { oneOf: [{ $ref: `#/definitions/${next}` }] } } });
      const schema = (t0: string, t1: string) => ({ definitions: { T0: node(t0, 'T2'), T1: node(t1, 'T2'), T2: node('integer', 'T0') }, type: 'object', properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } } });
      assert.deepEqual(errorTypes(schema('integer', 'boolean'), schema('boolean', 'number')), ['COMBINED_TYPE_SUBSCHEMAS_CHANGED']);
      // Twelve definitions, each with two unions of all twelve: without remembering pairs this never ends.
      const names = Array.from({ length: 12 }, (_, i) => `D${i}`);
      const union = () => ({ oneOf: names.map((n) => ({ $ref: `#/definitions/${n}` })) });
      const trade = (firstId: string) => ({
        definitions: Object.fromEntries(names.map((n, i) => [n, { type: 'object', properties: { id: { type: i === 0 ? firstId : 'string' }, a: union(), b: union() } }])),
        type: 'object',
        properties: { product: union() },
      });
      assert.deepEqual(errorTypes(trade('string'), trade('string')), []);
      assert.deepEqual(errorTypes(trade('string'), trade('number')), ['COMBINED_TYPE_SUBSCHEMAS_CHANGED']);
    });
  });

  describe('isBackwardCompatible(): Confluent\'s JSON Schema rules', () => {
    const open = (properties: object, extra: object = {}) => ({ type: 'object', properties, ...extra });
    const closed = (properties: object, extra: object = {}) => ({ type: 'object', properties, additionalProperties: false, ...extra });
    const str = { type: 'string' };
    const num = { type: 'number' };
    const P = '#/properties/';

    // [rule, old schema (the writer's), new schema (the reader's), Confluent's incompatible error types]
    const table: Array<[string, unknown, unknown, string[]]> = [
      ['anything can become the empty schema', open({ a: str }), {}, []],
      ['metadata may change', { title: 'a', description: 'x', type: 'string' }, { title: 'b', description: 'y', type: 'string' }, []],
      ['the type may not change', { type: 'object' }, { type: 'array' }, ['TYPE_CHANGED']],
      ['integer may widen to number', { type: 'integer' }, { type: 'number' }, []],
      ['number may not narrow to integer', { type: 'number' }, { type: 'integer' }, ['TYPE_NARROWED']],
      ['the empty schema may not gain a type', {}, { type: 'string' }, ['TYPE_CHANGED']],
      ['false may become anything', false, { type: 'string' }, []],
      ['a type list may grow', { type: ['string'] }, { type: ['string', 'null'] }, []],
      ['a type list may not shrink to one type', { type: ['string', 'null'] }, { type: 'string' }, ['TYPE_CHANGED']],
      ['a type may become a union holding it', str, { oneOf: [num, str] }, []],
      ['maxLength may grow', { type: 'string', maxLength: 10 }, { type: 'string', maxLength: 12 }, []],
      ['maxLength may not shrink', { type: 'string', maxLength: 12 }, { type: 'string', maxLength: 10 }, ['MAX_LENGTH_DECREASED']],
      ['minLength may not be added', str, { type: 'string', minLength: 1 }, ['MIN_LENGTH_ADDED']],
      ['minLength may not grow', { type: 'string', minLength: 1 }, { type: 'string', minLength: 2 }, ['MIN_LENGTH_INCREASED']],
      ['a pattern may be dropped', { type: 'string', pattern: '^a' }, str, []],
      ['a pattern may not change', { type: 'string', pattern: '^a' }, { type: 'string', pattern: '^b' }, ['PATTERN_CHANGED']],
      ['maximum may grow', { type: 'number', maximum: 10 }, { type: 'number', maximum: 11 }, []],
      ['maximum may not shrink', { type: 'number', maximum: 11 }, { type: 'number', maximum: 10 }, ['MAXIMUM_DECREASED']],
      ['minimum may not grow', { type: 'number', minimum: 10 }, { type: 'number', minimum: 11 }, ['MINIMUM_INCREASED']],
      ['exclusiveMinimum may not be added', num, { type: 'number', exclusiveMinimum: 0 }, ['EXCLUSIVE_MINIMUM_ADDED']],
      ['multipleOf may divide', { type: 'number', multipleOf: 10 }, { type: 'number', multipleOf: 2 }, []],
      ['multipleOf may not multiply', { type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 10 }, ['MULTIPLE_OF_EXPANDED']],
      ['multipleOf is compared exactly', { type: 'number', multipleOf: 0.5 }, '{"type":"number","multipleOf":0.50}', []],
      ['a multipleOf unrelated is a change', { type: 'number', multipleOf: 10 }, { type: 'number', multipleOf: 11 }, ['MULTIPLE_OF_CHANGED']],
      ['enum values may be added', { enum: ['a'] }, { enum: ['a', 'b'] }, []],
      ['enum values may not be removed', { enum: ['a', 'b'] }, { enum: ['a'] }, ['ENUM_ARRAY_NARROWED']],
      ['enum values may not be replaced', { enum: ['a', 'b'] }, { enum: ['a', 'c'] }, ['ENUM_ARRAY_CHANGED']],
      ['a const may not change', { const: 1 }, { const: 2 }, ['ENUM_ARRAY_CHANGED']],
      ['dropping an enum beside a type narrows the product', { type: 'string', enum: ['red'] }, str, []],
      ['a not may exclude less', { not: num }, { not: { type: 'integer' } }, []],
      ['a not may not exclude more', { not: { type: 'integer' } }, { not: num }, ['NOT_TYPE_EXTENDED']],
      ['open: a property may be removed', open({ a: str, b: str }), open({ a: str }), []],
      ['open: an optional property may not be added', open({ a: str }), open({ a: str, b: str }), ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']],
      ['open: a required property may not be added', open({ a: str }), open({ a: str, b: str }, { required: ['b'] }), ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']],
      ['open: a property accepting anything may be added', open({ a: str }), open({ a: str, b: {} }), []],
      ['closed: an optional property may be added', closed({ a: str }), closed({ a: str, b: num }), []],
      ['closed: a required property may not be added', closed({ a: str }), closed({ a: str, b: num }, { required: ['b'] }), ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL']],
      ['closed: a required property with a default may be added', closed({ a: str }), closed({ a: str, b: { type: 'number', default: 0 } }, { required: ['b'] }), []],
      ['closed: a property may not be removed', closed({ a: str, b: str }), closed({ a: str }), ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL']],
      ['closed: a false property may be removed', closed({ a: str, b: false }), closed({ a: str }), []],
      ['partially open: a property the additional schema covers may be added', open({ a: str }, { additionalProperties: str }), open({ a: str, b: str }, { additionalProperties: str }), []],
      ['partially open: a property it does not cover may not', open({ a: str }, { additionalProperties: str }), open({ a: str, b: num }, { additionalProperties: str }), ['TYPE_CHANGED', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL']],
      ['partially open: patternProperties cover a removed property', closed({ a: str, I_1: { type: 'integer' } }), closed({ a: str }, { patternProperties: { '^I_': num } }), []],
      ['partially open: a removed property of another type is not covered', closed({ a: str, b: num }), open({ a: str }, { additionalProperties: str }), ['TYPE_CHANGED', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL']],
      ['a property may become optional', open({ a: str }, { required: ['a'] }), open({ a: str }), []],
      ['a property may not become required', open({ a: str }), open({ a: str }, { required: ['a'] }), ['REQUIRED_ATTRIBUTE_ADDED']],
      ['a property with a default may become required', open({ a: str }), open({ a: { type: 'string', default: '' } }, { required: ['a'] }), []],
      ['a property type may not change', open({ a: str }), open({ a: num }), ['TYPE_CHANGED']],
      ['additionalProperties may open', closed({ a: str }), open({ a: str }), []],
      ['additionalProperties may not close', open({ a: str }, { additionalProperties: true }), closed({ a: str }), ['ADDITIONAL_PROPERTIES_REMOVED']],
      ['additionalProperties may not gain a schema', open({}, { additionalProperties: true }), open({}, { additionalProperties: num }), ['ADDITIONAL_PROPERTIES_NARROWED']],
      ['additionalProperties may lose its schema', open({}, { additionalProperties: num }), open({}), []],
      ['maxProperties may not shrink', { type: 'object', maxProperties: 2 }, { type: 'object', maxProperties: 1 }, ['MAX_PROPERTIES_DECREASED']],
      ['minProperties may not grow', { type: 'object', minProperties: 1 }, { type: 'object', minProperties: 2 }, ['MIN_PROPERTIES_INCREASED']],
      ['a dependency may not be added', open({ a: str, b: str }), open({ a: str, b: str }, { dependencies: { a: ['b'] } }), ['DEPENDENCY_ARRAY_ADDED']],
      ['a dependency may be dropped', open({ a: str, b: str }, { dependencies: { a: ['b'] } }), open({ a: str, b: str }), []],
      ['items may not gain a schema', { type: 'array' }, { type: 'array', items: str }, ['SCHEMA_ADDED']],
      ['items may lose their schema', { type: 'array', items: str }, { type: 'array' }, []],
      ['items may not change type', { type: 'array', items: str }, { type: 'array', items: num }, ['TYPE_CHANGED']],
      ['maxItems may not shrink', { type: 'array', maxItems: 2 }, { type: 'array', maxItems: 1 }, ['MAX_ITEMS_DECREASED']],
      ['minItems may shrink', { type: 'array', minItems: 2 }, { type: 'array', minItems: 1 }, []],
      ['uniqueItems may not be added', { type: 'array' }, { type: 'array', uniqueItems: true }, ['UNIQUE_ITEMS_ADDED']],
      ['closed tuple: an item may be added', { type: 'array', items: [str], additionalItems: false }, { type: 'array', items: [str, num], additionalItems: false }, []],
      ['closed tuple: an item may not be removed', { type: 'array', items: [str, num], additionalItems: false }, { type: 'array', items: [str], additionalItems: false }, ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL']],
      ['open tuple: an item may not be added', { type: 'array', items: [str] }, { type: 'array', items: [str, num] }, ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL']],
      ['partially open tuple: an uncovered item may not be added', { type: 'array', items: [str], additionalItems: str }, { type: 'array', items: [str, num], additionalItems: str }, ['TYPE_CHANGED', 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL']],
      ['additionalItems may not close', { type: 'array', additionalItems: true }, { type: 'array', additionalItems: false }, ['ADDITIONAL_ITEMS_REMOVED']],
      ['oneOf may gain members', { oneOf: [str] }, { oneOf: [str, num] }, []],
      ['oneOf may not lose members', { oneOf: [str, num] }, { oneOf: [str] }, ['SUM_TYPE_NARROWED']],
      ['oneOf members may not change', { oneOf: [str] }, { oneOf: [num] }, ['COMBINED_TYPE_SUBSCHEMAS_CHANGED']],
      ['combined members may be reordered', { allOf: [{ enum: ['a'] }, str, { maxLength: 5 }] }, { allOf: [{ maxLength: 5 }, { enum: ['a'] }, str] }, []],
      ['allOf may lose members', { allOf: [{ enum: ['a'] }, str] }, { allOf: [str] }, []],
      ['allOf may not gain members', { allOf: [str] }, { allOf: [{ enum: ['a'] }, str] }, ['PRODUCT_TYPE_EXTENDED']],
      ['oneOf may become anyOf', { oneOf: [str, num] }, { anyOf: [str, num] }, []],
      ['anyOf may not become oneOf', { anyOf: [str, num] }, { oneOf: [str, num] }, ['COMBINED_TYPE_CHANGED']],
      ['draft 2020-12: items false closes the prefixItems tuple', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [str], items: false }, { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [str] }, []],
      ['draft 2020-12: an item may not be removed from a closed tuple', { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [str, num], items: false }, { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [str], items: false }, ['ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL']],
      ['draft 2020-12: unevaluatedProperties false closes the model', { $schema: 'https://json-schema.org/draft/2020-12/schema', ...open({ a: str }), unevaluatedProperties: false }, { $schema: 'https://json-schema.org/draft/2020-12/schema', ...open({ a: str, b: num }), unevaluatedProperties: false }, []],
      ['Connect bytes may move between string and number', { type: 'string', 'connect.type': 'bytes' }, { type: 'number', 'connect.type': 'bytes' }, []],
    ];

    for (const [rule, original, update, expected] of table) {
      it(rule, () => assert.deepEqual(errorTypes(original, update), expected));
    }

    it('words each message as Confluent does, leaving %s for the registry to name the new and old schema', () => {
      const message = (original: unknown, update: unknown) => parse(update).isBackwardCompatible(parse(original));
      assert.deepEqual(message(open({ a: str }), open({ a: str, b: str })), [
        `{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The %s schema has an open content model and has a property or item at path '${P}b' which is missing in the %s schema"}`,
      ]);
      assert.deepEqual(message(closed({ a: str, b: str }), closed({ a: str })), [
        `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The %s schema has a closed content model and is missing a property or item present at path '${P}b' in the %s schema"}`,
      ]);
      assert.deepEqual(message(closed({ a: str }), closed({ a: str, b: str }, { required: ['b'] })), [
        `{errorType:"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", description:"The %s schema has an unopen content model and has a required property at path '${P}b' which is missing in the %s schema"}`,
      ]);
      assert.deepEqual(message({ type: 'string', maxLength: 5 }, { type: 'string', maxLength: 4 }), [
        `{errorType:"MAX_LENGTH_DECREASED", description:"The value at path '#/maxLength' in the %s schema is less than its value in the %s schema"}`,
      ]);
      assert.deepEqual(message(open({ a: str }), open({ a: str }, { required: ['a'] })), [
        `{errorType:"REQUIRED_ATTRIBUTE_ADDED", description:"The keyword at path '#/required/a' in the %s schema is not present in the %s schema"}`,
      ]);
      assert.deepEqual(message({ enum: ['a', 'b'] }, { enum: ['a'] }), [
        `{errorType:"ENUM_ARRAY_NARROWED", description:"An array or combined type at path '#/enum' has fewer elements in the %s schema than the %s schema"}`,
      ]);
      // Confluent gives SCHEMA_ADDED no description.
      assert.deepEqual(message({ type: 'array' }, { type: 'array', items: str }), [`{errorType:"SCHEMA_ADDED", description:""}`]);
    });

    it('reports one message per incompatible difference, in Confluent\'s order (Java hash order for property names)', () => {
      assert.deepEqual(errorTypes(open({ foo: str }), open({ bar: str })), ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
      const messages = parse(closed({ foo: str, cost: str, status: str }, { required: ['foo'] })).isBackwardCompatible(parse(closed({ foo: num })));
      assert.deepEqual(
        messages.map((m) => /path '([^']+)'/.exec(m)?.[1]),
        ['#/required/foo', `${P}foo`],
      );
      const added = parse(open({ zeta: str, alpha: str, name: str, id: str })).isBackwardCompatible(parse(open({})));
      assert.deepEqual(added.map((m) => /path '#\/properties\/([^']+)'/.exec(m)?.[1]), ['zeta', 'alpha', 'name', 'id']);
    });

    it('compares a schema with itself as compatible, whatever its draft', () => {
      for (const schema of [
        { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } },
        { type: 'object', properties: { a: { oneOf: [str, { type: 'null' }] }, b: { type: 'array', items: [str], additionalItems: num } }, required: ['a'] },
        { $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { s: str }, type: 'object', properties: { a: { $ref: '#/$defs/s' }, l: { type: 'array', prefixItems: [num], items: str, contains: num } }, unevaluatedProperties: false },
      ]) {
        const s = parse(schema);
        assert.deepEqual(s.isBackwardCompatible(parse(schema)), []);
      }
    });
  });
});
