// The Avro provider against what Confluent's registry (7.x, Java Avro 1.11) does. The expected strings are Java Avro's
// Schema.toString as its source writes them (type, name, namespace, doc, then the type's own keys, props, aliases;
// fields: name, type, doc, default, order, aliases, props; numbers as Jackson prints them), Confluent's normalization
// (AvroSchemaUtils.toNormalizedString, parsed again and printed), and Confluent's Difference messages over Avro's
// SchemaCompatibility. The compatibility table follows Confluent's schema-evolution documentation.
import { strict as assert } from 'node:assert';
import { InvalidSchemaError, ParsedSchema, ResolvedReference } from '../../../src/broker/schema-registry/schema-provider';
import { avroProvider } from '../../../src/broker/schema-registry/schema-types/avro';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A schema given as text is parsed as written (number forms, key repeats, comments matter); an object is stringified. */
const parse = (schema: Json, references: ResolvedReference[] = []): ParsedSchema =>
  avroProvider.parse(typeof schema === 'string' ? schema : JSON.stringify(schema), references);
const canonical = (schema: Json, references: ResolvedReference[] = []): string => parse(schema, references).canonical();
const normalized = (schema: Json, references: ResolvedReference[] = []): string => parse(schema, references).normalized();

function rejects(schema: Json, message: RegExp, references: ResolvedReference[] = []): void {
  assert.throws(
    () => parse(schema, references),
    (e: unknown) => e instanceof InvalidSchemaError && message.test(e.message),
  );
}

function reference(name: string, schema: Json, references: ResolvedReference[] = []): ResolvedReference {
  return { name, subject: name, version: 1, schemaType: 'AVRO', schema: JSON.stringify(schema), references };
}

/** Fills the reader's and writer's `%s` as Confluent's SchemaValidatorBuilder does for the direction checked. */
const worded = (messages: string[], reader: string, writer: string): string[] =>
  messages.map((m) => {
    const words = [reader, writer];
    return m.replace(/%s/g, () => words.shift() ?? '%s');
  });
/** BACKWARD: the new schema reads what the old one wrote. */
const backward = (previous: Json, next: Json): string[] => worded(parse(next).isBackwardCompatible(parse(previous)), 'new', 'old');
/** FORWARD: the old schema reads what the new one writes. */
const forward = (previous: Json, next: Json): string[] => worded(parse(previous).isBackwardCompatible(parse(next)), 'old', 'new');

const record = (fields: Json[], extra: Record<string, Json> = {}): Json => ({ type: 'record', name: 'R', fields, ...extra });
const field = (name: string, type: Json, extra: Record<string, Json> = {}): Json => ({ name, type, ...extra });

describe('Avro schema provider', () => {
  it('is the AVRO provider', () => {
    assert.equal(avroProvider.schemaType, 'AVRO');
    assert.equal(parse('"int"').schemaType, 'AVRO');
  });

  describe('canonical string (Java Avro Schema.toString)', () => {
    it('prints a primitive without properties as a string, with them as an object', () => {
      assert.equal(canonical('"string"'), '"string"');
      assert.equal(canonical('{"type": "string"}'), '"string"');
      assert.equal(canonical('  "long"  '), '"long"');
      assert.equal(canonical({ type: 'string', 'avro.java.string': 'String' }), '{"type":"string","avro.java.string":"String"}');
      // Keys Avro reserves for other types are not properties of a primitive: they are dropped.
      assert.equal(canonical({ type: 'int', name: 'x', namespace: 'y', doc: 'z' }), '"int"');
    });

    it('writes a record in Avro key order whatever order it came in', () => {
      const expected = '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}';
      assert.equal(canonical('{"fields":[{"type":"int","name":"a"}],"name":"R","type":"record"}'), expected);
      assert.equal(canonical('{\n  "type": "record",\n  "name": "R",\n  "fields": [ { "name": "a", "type": "int" } ]\n}'), expected);
    });

    it('splits a full name into name and namespace, the dotted name winning over a namespace key', () => {
      const expected = '{"type":"record","name":"R","namespace":"com.acme","fields":[{"name":"a","type":"int"}]}';
      assert.equal(canonical(record([field('a', 'int')], { namespace: 'com.acme' })), expected);
      assert.equal(canonical({ type: 'record', name: 'com.acme.R', fields: [field('a', 'int')] }), expected);
      assert.equal(canonical({ type: 'record', name: 'com.acme.R', namespace: 'org.other', fields: [field('a', 'int')] }), expected);
    });

    it('writes a nested type\'s namespace only where it differs from the enclosing one', () => {
      const inner = (extra: Record<string, Json>): Json => ({ type: 'record', name: 'Inner', fields: [field('x', 'int')], ...extra });
      assert.equal(
        canonical(record([field('i', inner({}))], { name: 'Outer', namespace: 'a.b' })),
        '{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"i","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}}]}',
      );
      assert.equal(
        canonical(record([field('i', inner({ namespace: 'c.d' }))], { name: 'Outer', namespace: 'a.b' })),
        '{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"i","type":{"type":"record","name":"Inner","namespace":"c.d","fields":[{"name":"x","type":"int"}]}}]}',
      );
      // A type in no namespace inside one that has one: Avro marks it with an empty namespace.
      assert.equal(
        canonical(record([field('i', inner({ namespace: '' })), field('j', 'Inner')], { name: 'Outer', namespace: 'a.b' })),
        '{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"i","type":{"type":"record","name":"Inner","namespace":"","fields":[{"name":"x","type":"int"}]}},{"name":"j","type":"Inner"}]}',
      );
    });

    it('defines a named type where it first appears and names it after that, relative to the enclosing namespace', () => {
      const schema = record(
        [
          field('a', { type: 'record', name: 'Inner', fields: [field('x', 'int')] }),
          field('b', 'Inner'),
          field('c', 'n.Inner'),
          field('d', { type: 'array', items: 'Inner' }),
          field('e', { type: 'record', name: 'other.Far', fields: [field('f', 'n.Inner')] }),
          field('g', 'other.Far'),
        ],
        { name: 'Outer', namespace: 'n' },
      );
      assert.equal(
        canonical(schema),
        '{"type":"record","name":"Outer","namespace":"n","fields":[' +
          '{"name":"a","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},' +
          '{"name":"b","type":"Inner"},{"name":"c","type":"Inner"},{"name":"d","type":{"type":"array","items":"Inner"}},' +
          '{"name":"e","type":{"type":"record","name":"Far","namespace":"other","fields":[{"name":"f","type":"n.Inner"}]}},' +
          '{"name":"g","type":"other.Far"}]}',
      );
    });

    it('prints a recursive record by name inside itself', () => {
      const schema = record([field('v', 'int'), field('next', ['null', 'Node'], { default: null })], { name: 'Node' });
      assert.equal(canonical(schema), '{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}');
    });

    it('orders doc, fields, properties and aliases as Avro does, and field keys likewise', () => {
      const schema =
        '{"aliases":["OldR"],"custom":{"k":[1,2]},"fields":[{"x-prop":"v","aliases":["old_a"],"order":"descending","default":1,' +
        '"doc":"field doc","type":"int","name":"a","connect.name":"z"}],"doc":"record doc","name":"R","type":"record"}';
      assert.equal(
        canonical(schema),
        '{"type":"record","name":"R","doc":"record doc","fields":[{"name":"a","type":"int","doc":"field doc","default":1,"order":"descending",' +
          '"aliases":["old_a"],"x-prop":"v","connect.name":"z"}],"custom":{"k":[1,2]},"aliases":["OldR"]}',
      );
    });

    it('leaves out the ascending order, which is the default, and lower-cases the others', () => {
      const schema = record([field('a', 'int', { order: 'ascending' }), field('b', 'int', { order: 'IGNORE' })]);
      assert.equal(canonical(schema), '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","order":"ignore"}]}');
    });

    it('writes aliases of a named type relative to its own namespace, and a field\'s as given', () => {
      const schema = { type: 'record', name: 'R', namespace: 'a', aliases: ['a.Old', 'b.Other', 'Z', 'Z'], fields: [field('f', 'int', { aliases: ['y', 'x', 'y'] })] };
      assert.equal(canonical(schema), '{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":"int","aliases":["y","x"]}],"aliases":["Old","b.Other","Z"]}');
    });

    it('writes defaults as Jackson holds them', () => {
      const schema =
        '{"type":"record","name":"R","fields":[{"name":"i","type":"int","default":1},{"name":"s","type":"string","default":"x"},' +
        '{"name":"n","type":["null","string"],"default":null},{"name":"arr","type":{"type":"array","items":"int"},"default":[1,2]},' +
        '{"name":"m","type":{"type":"map","values":"long"},"default":{"z":1,"a":2}},{"name":"b","type":"bytes","default":"\\u00ff"},' +
        '{"name":"d","type":"double","default":1.0},{"name":"e","type":"double","default":1e3},{"name":"t","type":"double","default":0.00001},' +
        '{"name":"l","type":"long","default":9007199254740993},{"name":"bo","type":"boolean","default":true},' +
        '{"name":"ds","type":"double","default":"1.5"},{"name":"nan","type":"double","default":"NaN"}]}';
      assert.equal(
        canonical(schema),
        '{"type":"record","name":"R","fields":[{"name":"i","type":"int","default":1},{"name":"s","type":"string","default":"x"},' +
          '{"name":"n","type":["null","string"],"default":null},{"name":"arr","type":{"type":"array","items":"int"},"default":[1,2]},' +
          '{"name":"m","type":{"type":"map","values":"long"},"default":{"z":1,"a":2}},{"name":"b","type":"bytes","default":"\u00ff"},' +
          '{"name":"d","type":"double","default":1.0},{"name":"e","type":"double","default":1000.0},{"name":"t","type":"double","default":1.0E-5},' +
          '{"name":"l","type":"long","default":9007199254740993},{"name":"bo","type":"boolean","default":true},' +
          // A string default of a double field is read as the number; NaN is a number Jackson writes quoted.
          '{"name":"ds","type":"double","default":1.5},{"name":"nan","type":"double","default":"NaN"}]}',
      );
    });

    it('keeps a record default as written', () => {
      const schema = record([field('inner', { type: 'record', name: 'I', fields: [field('x', 'int')] }, { default: { x: 3 } })]);
      assert.equal(canonical(schema), '{"type":"record","name":"R","fields":[{"name":"inner","type":{"type":"record","name":"I","fields":[{"name":"x","type":"int"}]},"default":{"x":3}}]}');
    });

    it('keeps logical types and their properties in the order written, valid or not', () => {
      assert.equal(canonical({ type: 'int', logicalType: 'date' }), '{"type":"int","logicalType":"date"}');
      assert.equal(canonical({ type: 'long', logicalType: 'timestamp-millis' }), '{"type":"long","logicalType":"timestamp-millis"}');
      assert.equal(canonical({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 }), '{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}');
      assert.equal(canonical({ type: 'bytes', scale: 2, logicalType: 'decimal', precision: 10 }), '{"type":"bytes","scale":2,"logicalType":"decimal","precision":10}');
      // Avro ignores an invalid or unknown logical type; the properties stay.
      assert.equal(canonical({ type: 'bytes', logicalType: 'decimal', precision: 2, scale: 5 }), '{"type":"bytes","logicalType":"decimal","precision":2,"scale":5}');
      assert.equal(canonical({ type: 'string', logicalType: 'my-thing' }), '{"type":"string","logicalType":"my-thing"}');
      assert.equal(
        canonical({ type: 'fixed', name: 'Dec', size: 8, logicalType: 'decimal', precision: 18, scale: 4 }),
        '{"type":"fixed","name":"Dec","size":8,"logicalType":"decimal","precision":18,"scale":4}',
      );
    });

    it('writes enums: type, name, namespace, doc, symbols, default, properties, aliases', () => {
      const schema = { symbols: ['A', 'B'], default: 'B', x: 1, aliases: ['Old'], doc: 'd', namespace: 'n', name: 'E', type: 'enum' };
      assert.equal(canonical(schema), '{"type":"enum","name":"E","namespace":"n","doc":"d","symbols":["A","B"],"default":"B","x":1,"aliases":["Old"]}');
    });

    it('writes fixed: type, name, namespace, doc, size, properties, aliases', () => {
      const schema = { aliases: ['G'], x: true, size: 16, doc: 'd', namespace: 'n', name: 'F', type: 'fixed' };
      assert.equal(canonical(schema), '{"type":"fixed","name":"F","namespace":"n","doc":"d","size":16,"x":true,"aliases":["G"]}');
    });

    it('writes arrays, maps and unions', () => {
      assert.equal(canonical({ type: 'array', items: { type: 'map', values: ['null', 'int'] } }), '{"type":"array","items":{"type":"map","values":["null","int"]}}');
      assert.equal(canonical({ foo: 'bar', items: 'int', type: 'array' }), '{"type":"array","items":"int","foo":"bar"}');
      assert.equal(
        canonical(['null', 'string', record([field('a', 'int')])]),
        '["null","string",{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}]',
      );
    });

    it('keeps an error type an error', () => {
      assert.equal(canonical({ type: 'error', name: 'Oops', fields: [field('m', 'string')] }), '{"type":"error","name":"Oops","fields":[{"name":"m","type":"string"}]}');
    });

    it('reads the JSON as Jackson does: comments, a repeated key, text after the schema', () => {
      assert.equal(canonical('/* a comment */ {"type": "int" // another\n}'), '"int"');
      // A repeated key keeps its first place and its last value.
      assert.equal(canonical('{"type":"record","name":"R","name":"S","fields":[]}'), '{"type":"record","name":"S","fields":[]}');
      // Avro reads the first JSON value and does not look further.
      assert.equal(canonical('{"type":"int"} and then some'), '"int"');
    });

    it('escapes strings as Jackson does: short escapes where it has them, upper-case \\u00XX, nothing else', () => {
      const schema = { type: 'record', name: 'R', doc: 'a"b\\c\u0001\n\t/é☃', fields: [] };
      assert.equal(canonical(schema), '{"type":"record","name":"R","doc":"a\\"b\\\\c\\u0001\\n\\t/é☃","fields":[]}');
    });

    it('writes numbers in properties as Java does', () => {
      assert.equal(
        canonical('{"type":"string","a":1e3,"b":0.00001,"c":12345678901234567890,"d":-0,"e":1.0E7,"f":123456.789,"g":-2.5}'),
        '{"type":"string","a":1000.0,"b":1.0E-5,"c":12345678901234567890,"d":0,"e":1.0E7,"f":123456.789,"g":-2.5}',
      );
    });

    it('treats {"type": "Name"} as the named type, ignoring its other keys', () => {
      const schema = record([field('a', { type: 'enum', name: 'E', symbols: ['X'] }), field('b', { type: 'E', ignored: 1 })]);
      assert.equal(canonical(schema), '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"b","type":"E"}]}');
    });

    it('accepts names with non-ASCII letters, as Java does', () => {
      assert.equal(canonical(record([field('prénom', 'string')], { name: 'Personne' })), '{"type":"record","name":"Personne","fields":[{"name":"prénom","type":"string"}]}');
    });
  });

  describe('invalid schemas', () => {
    it('refuses text that is not JSON, and an empty schema', () => {
      rejects('{"type":', /Invalid JSON: unexpected end of input at line 1, column 9/);
      rejects('{"type": "int",}', /Invalid JSON/);
      rejects("{'type': 'int'}", /Invalid JSON/);
      rejects('{"type": "record", "name": "R", "fields": [], "x": 01}', /Invalid JSON: malformed number/);
      rejects('', /empty/);
      rejects('  // only a comment\n', /empty/);
    });

    it('refuses an unknown type', () => {
      rejects('"nosuchtype"', /Undefined name: "nosuchtype"/);
      rejects({ type: 'nosuchtype' }, /Type not supported: nosuchtype/);
      rejects(record([field('a', 'Missing')]), /"Missing" is not a defined name\. The type of the "a" field must be a defined name/);
      rejects('42', /Schema not yet supported: 42/);
    });

    it('refuses a default that does not match its field (Confluent validates defaults of new schemas)', () => {
      rejects(record([field('a', 'int', { default: 'x' })]), /Invalid default for field a: "x" not a "int"/);
      rejects(record([field('a', ['null', 'int'], { default: 1 })]), /Invalid default for field a: 1 not a \["null","int"\]/);
      rejects(record([field('a', 'int', { default: 2147483648 })]), /Invalid default for field a/);
      rejects('{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1.0}]}', /Invalid default for field a: 1\.0 not a "int"/);
      rejects(record([field('a', { type: 'array', items: 'string' }, { default: [1] })]), /Invalid default for field a/);
      rejects(record([field('r', { type: 'record', name: 'I', fields: [field('x', 'int')] }, { default: {} })]), /Invalid default for field r/);
      rejects(record([field('d', 'double', { default: 'lots' })]), /Invalid default for field d/);
      // Avro checks only that an enum default is a string, not that it is one of the symbols.
      assert.doesNotThrow(() => parse(record([field('e', { type: 'enum', name: 'E', symbols: ['A'] }, { default: 'Z' })])));
    });

    it('refuses duplicate field names and enum symbols', () => {
      rejects(record([field('a', 'int'), field('a', 'string')]), /Duplicate field a in record R: a type:STRING pos:1 and a type:INT pos:0\./);
      rejects({ type: 'enum', name: 'E', symbols: ['A', 'A'] }, /Duplicate enum symbol: A/);
    });

    it('refuses bad names and malformed named types', () => {
      rejects(record([field('a', 'int')], { name: '1R' }), /Illegal initial character: 1R/);
      rejects(record([field('a-b', 'int')]), /Illegal character in: a-b/);
      rejects({ type: 'enum', name: 'E', symbols: ['1A'] }, /Illegal initial character: 1A/);
      rejects({ type: 'record', fields: [] }, /No name in schema/);
      rejects({ type: 'record', name: 'R', fields: {} }, /Record has no fields/);
      rejects({ type: 'fixed', name: 'F' }, /Invalid or no size/);
      rejects('{"type": "fixed", "name": "F", "size": 4.0}', /Invalid or no size/);
      rejects({ type: 'record', name: 'string', fields: [] }, /may not be named after primitives/);
      rejects({ type: 'enum', name: 'E', symbols: ['A'], default: 'Z' }, /The Enum Default: Z is not in the enum symbol set: \[A\]/);
      rejects(record([field('a', 'int', { order: 'sideways' })]), /Invalid field order/);
      rejects({ type: 'array' }, /Array has no items type/);
    });

    it('refuses a type defined twice and malformed unions', () => {
      const x = { type: 'record', name: 'X', fields: [] };
      rejects(record([field('a', x), field('b', x)]), /Can't redefine: X/);
      rejects(['int', 'int'], /Duplicate in union:int/);
      rejects(['null', ['int']], /Nested union/);
    });
  });

  describe('references', () => {
    const address = reference('com.acme.Address', { type: 'record', name: 'Address', namespace: 'com.acme', fields: [field('street', 'string')] });

    it('resolves a named type from a reference and prints it by name only', () => {
      const schema = { type: 'record', name: 'Person', namespace: 'com.acme', fields: [field('addr', 'com.acme.Address')] };
      assert.equal(canonical(schema, [address]), '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"addr","type":"Address"}]}');
      assert.equal(normalized(schema, [address]), '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"addr","type":"Address"}]}');
      const elsewhere = { type: 'record', name: 'Order', namespace: 'shop', fields: [field('to', 'com.acme.Address'), field('from', ['null', 'com.acme.Address'])] };
      assert.equal(
        canonical(elsewhere, [address]),
        '{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"to","type":"com.acme.Address"},{"name":"from","type":["null","com.acme.Address"]}]}',
      );
    });

    it('resolves references of references first', () => {
      const country = reference('geo.Country', { type: 'enum', name: 'geo.Country', symbols: ['FR', 'NL'] });
      const city = reference('geo.City', { type: 'record', name: 'geo.City', fields: [field('country', 'geo.Country')] }, [country]);
      const schema = record([field('city', 'geo.City'), field('home', 'geo.Country')]);
      assert.equal(canonical(schema, [city]), '{"type":"record","name":"R","fields":[{"name":"city","type":"geo.City"},{"name":"home","type":"geo.Country"}]}');
    });

    it('writes in full a type defined inside a referenced schema, which is not itself a reference', () => {
      const withInner = reference('a.Outer', { type: 'record', name: 'a.Outer', fields: [field('i', { type: 'record', name: 'Inner', fields: [] })] });
      assert.equal(canonical(record([field('i', 'a.Inner')]), [withInner]), '{"type":"record","name":"R","fields":[{"name":"i","type":{"type":"record","name":"Inner","namespace":"a","fields":[]}}]}');
    });

    it('refuses a schema whose reference is missing or invalid', () => {
      rejects(record([field('addr', 'com.acme.Address')]), /"com\.acme\.Address" is not a defined name/);
      rejects(record([field('addr', 'com.acme.Address')]), /Invalid schema in reference 'bad' \(subject bad, version 1\): Undefined name/, [reference('bad', 'nothing')]);
    });
  });

  describe('normalized string (Confluent AvroSchema.normalize().canonicalString())', () => {
    it('leaves a schema already in order as it is', () => {
      const schema = record([field('a', 'int', { doc: 'x', aliases: ['b'] })], { namespace: 'n', doc: 'd', aliases: ['Q'] });
      assert.equal(normalized(schema), canonical(schema));
    });

    it('sorts properties (nested object keys too) and aliases', () => {
      const schema = {
        type: 'record',
        name: 'R',
        namespace: 'a',
        aliases: ['b.Other', 'Z', 'a.Old'],
        zeta: { y: 1, x: [{ d: 1, c: 2 }] },
        alpha: 1,
        fields: [field('f', 'int', { aliases: ['y', 'x'], 'x-prop': 'v', 'connect.name': 'z' })],
      };
      assert.equal(
        normalized(schema),
        '{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":"int","aliases":["x","y"],"connect.name":"z","x-prop":"v"}],' +
          '"alpha":1,"zeta":{"x":[{"c":2,"d":1}],"y":1},"aliases":["Old","Z","b.Other"]}',
      );
    });

    it('re-encodes defaults through Java values: doubles with a fraction, floats rounded, bytes as ISO-8859-1, keys sorted', () => {
      const schema =
        '{"type":"record","name":"R","fields":[{"name":"f","type":"float","default":3.14159265358979},{"name":"d","type":"double","default":2},' +
        '{"name":"u","type":["float","null"],"default":1},{"name":"b","type":"bytes","default":"\\u2603x\\u00e9"},' +
        '{"name":"m","type":{"type":"map","values":"double"},"default":{"z":1,"a":2}}]}';
      assert.equal(
        normalized(schema),
        '{"type":"record","name":"R","fields":[{"name":"f","type":"float","default":3.1415927},{"name":"d","type":"double","default":2.0},' +
          '{"name":"u","type":["float","null"],"default":1.0},{"name":"b","type":"bytes","default":"?x\u00e9"},' +
          '{"name":"m","type":{"type":"map","values":"double"},"default":{"a":2.0,"z":1.0}}]}',
      );
    });

    it('puts a valid logical type first and sorts the other properties', () => {
      assert.equal(normalized({ type: 'long', 'connect.version': 1, logicalType: 'timestamp-millis', 'connect.name': 'x' }), '{"type":"long","logicalType":"timestamp-millis","connect.name":"x","connect.version":1}');
      // An unknown logical type is just a property, sorted with the others.
      assert.equal(normalized({ type: 'long', 'connect.version': 1, logicalType: 'nope' }), '{"type":"long","connect.version":1,"logicalType":"nope"}');
      // A decimal's scale of 0 is not written with its logical type, so it moves among the sorted properties.
      assert.equal(normalized({ type: 'bytes', scale: 0, precision: 4, logicalType: 'decimal', a: 1 }), '{"type":"bytes","logicalType":"decimal","precision":4,"a":1,"scale":0}');
      assert.equal(normalized({ type: 'bytes', scale: 2, precision: 4, logicalType: 'decimal', a: 1 }), '{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"a":1}');
    });

    it('drops a named type\'s empty doc but not a field\'s', () => {
      assert.equal(normalized({ type: 'record', name: 'R', doc: '', fields: [field('f', 'int', { doc: '' })] }), '{"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":""}]}');
    });

    it('gives schemas that differ only in key order, whitespace, property order and alias order the same normalized form', () => {
      const a = '{"type":"record","name":"R","namespace":"n","b":2,"a":1,"aliases":["X","Y"],"fields":[{"name":"f","type":"int","q":1,"p":2}]}';
      const b = '{ "fields": [ { "p": 2, "q": 1, "type": "int", "name": "f" } ], "aliases": ["Y", "X"], "a": 1, "b": 2, "name": "n.R", "type": "record" }';
      assert.notEqual(canonical(a), canonical(b));
      assert.equal(normalized(a), normalized(b));
    });

    it('does what Confluent does with an error type and with an empty namespace, both lost on the way', () => {
      assert.equal(normalized({ type: 'error', name: 'E', fields: [] }), '{"type":"record","name":"E","fields":[]}');
      const schema = record([field('i', { type: 'record', name: 'Inner', namespace: '', fields: [] }), field('j', 'Inner')], { name: 'Outer', namespace: 'a.b' });
      assert.equal(normalized(schema), '{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"i","type":{"type":"record","name":"Inner","fields":[]}},{"name":"j","type":"Inner"}]}');
    });
  });

  describe('backward compatibility (Avro SchemaCompatibility, Confluent Difference messages)', () => {
    const base = record([field('a', 'int'), field('b', 'string')]);
    const enumField = (symbols: string[], extra: Record<string, Json> = {}): Json => record([field('e', { type: 'enum', name: 'E', symbols, ...extra })]);

    // [case, old, new, backward compatible, forward compatible]
    const table: [string, Json, Json, boolean, boolean][] = [
      ['add a field with a default', base, record([field('a', 'int'), field('b', 'string'), field('c', 'int', { default: 0 })]), true, true],
      ['add a field without a default', base, record([field('a', 'int'), field('b', 'string'), field('c', 'int')]), false, true],
      ['add an optional field', base, record([field('a', 'int'), field('b', 'string'), field('c', ['null', 'int'], { default: null })]), true, true],
      ['remove a field that had a default', record([field('a', 'int'), field('b', 'string', { default: '' })]), record([field('a', 'int')]), true, true],
      ['remove a field without a default', base, record([field('a', 'int')]), true, false],
      ['reorder fields', base, record([field('b', 'string'), field('a', 'int')]), true, true],
      ['change only docs and defaults', base, record([field('a', 'int', { doc: 'x', default: 1 }), field('b', 'string')], { doc: 'y' }), true, true],
      ['int to long', record([field('a', 'int')]), record([field('a', 'long')]), true, false],
      ['long to int', record([field('a', 'long')]), record([field('a', 'int')]), false, true],
      ['int to float', record([field('a', 'int')]), record([field('a', 'float')]), true, false],
      ['long to double', record([field('a', 'long')]), record([field('a', 'double')]), true, false],
      ['float to double', record([field('a', 'float')]), record([field('a', 'double')]), true, false],
      ['double to float', record([field('a', 'double')]), record([field('a', 'float')]), false, true],
      ['string to bytes', record([field('a', 'string')]), record([field('a', 'bytes')]), true, true],
      ['int to string', record([field('a', 'int')]), record([field('a', 'string')]), false, false],
      ['rename a field with an alias', record([field('a', 'int')]), record([field('z', 'int', { aliases: ['a'] })]), true, false],
      ['rename a field without an alias', record([field('a', 'int')]), record([field('z', 'int')]), false, false],
      ['rename the record', record([field('a', 'int')]), record([field('a', 'int')], { name: 'S' }), false, false],
      ['rename the record with an alias', record([field('a', 'int')]), record([field('a', 'int')], { name: 'S', aliases: ['R'] }), true, false],
      ['change the namespace only', record([field('a', 'int')], { namespace: 'x' }), record([field('a', 'int')], { namespace: 'y' }), true, true],
      ['add an enum symbol', enumField(['A', 'B']), enumField(['A', 'B', 'C']), true, false],
      ['remove an enum symbol', enumField(['A', 'B']), enumField(['A']), false, true],
      ['remove an enum symbol, the new enum having a default', enumField(['A', 'B']), enumField(['A'], { default: 'A' }), true, true],
      ['reorder enum symbols', enumField(['A', 'B']), enumField(['B', 'A']), true, true],
      ['widen a union', record([field('u', ['int', 'string'])]), record([field('u', ['int', 'string', 'long'])]), true, false],
      ['narrow a union', record([field('u', ['int', 'string'])]), record([field('u', ['int'])]), false, true],
      ['make a field nullable', record([field('u', 'int')]), record([field('u', ['null', 'int'])]), true, false],
      ['make a nullable field required', record([field('u', ['null', 'int'])]), record([field('u', 'int')]), false, true],
      ['reorder a union', record([field('u', ['int', 'string'])]), record([field('u', ['string', 'int'])]), true, true],
      ['promote inside a union', record([field('u', ['null', 'int'])]), record([field('u', ['null', 'long'])]), true, false],
      ['promote array items', record([field('x', { type: 'array', items: 'int' })]), record([field('x', { type: 'array', items: 'long' })]), true, false],
      ['promote map values', record([field('x', { type: 'map', values: 'int' })]), record([field('x', { type: 'map', values: 'long' })]), true, false],
      ['array to map', record([field('x', { type: 'array', items: 'int' })]), record([field('x', { type: 'map', values: 'int' })]), false, false],
      ['change a fixed size', record([field('x', { type: 'fixed', name: 'F', size: 4 })]), record([field('x', { type: 'fixed', name: 'F', size: 8 })]), false, false],
      ['add a logical type', record([field('x', 'int')]), record([field('x', { type: 'int', logicalType: 'date' })]), true, true],
      ['change a decimal scale', record([field('x', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 })]), record([field('x', { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 3 })]), true, true],
    ];
    for (const [name, previous, next, isBackward, isForward] of table) {
      it(`${name}: backward ${isBackward ? 'compatible' : 'incompatible'}, forward ${isForward ? 'compatible' : 'incompatible'}`, () => {
        assert.equal(backward(previous, next).length === 0, isBackward, backward(previous, next).join('\n'));
        assert.equal(forward(previous, next).length === 0, isForward, forward(previous, next).join('\n'));
      });
    }

    it('gives Confluent\'s messages, with the reader and writer left for the caller to name', () => {
      const next = parse(record([field('a', 'int'), field('b', 'string'), field('f2', 'int')]));
      assert.deepEqual(next.isBackwardCompatible(parse(base)), [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/2' in the %s schema has no default value and is missing in the %s schema', additionalInfo:'f2'}",
      ]);
      assert.deepEqual(backward(base, record([field('a', 'int'), field('f2', 'int')])), [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}",
      ]);
      assert.deepEqual(forward(base, record([field('a', 'int')])), [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'b'}",
      ]);
    });

    it('words type, name, size, enum and union problems as Confluent does', () => {
      assert.deepEqual(backward(record([field('a', 'long')]), record([field('a', 'int')])), [
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}",
      ]);
      assert.deepEqual(backward(record([field('a', 'int')]), record([field('a', 'int')], { name: 'S' })), [
        "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: R'}",
      ]);
      assert.deepEqual(backward(record([field('x', { type: 'fixed', name: 'F', size: 4 })]), record([field('x', { type: 'fixed', name: 'F', size: 8 })])), [
        "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/fields/0/type/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}",
      ]);
      assert.deepEqual(backward(enumField(['A', 'C', 'B']), enumField(['A'])), [
        "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B, C]' at path '/fields/0/type/symbols' in the old schema', additionalInfo:'[B, C]'}",
      ]);
      assert.deepEqual(backward(record([field('u', ['int', 'string'])]), record([field('u', ['int'])])), [
        "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/fields/0/type/1' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}",
      ]);
      assert.deepEqual(forward(['int', 'string'], ['int', 'string', 'null']), [
        "{errorType:'MISSING_UNION_BRANCH', description:'The old schema is missing a type inside a union field at path '/2' in the new schema', additionalInfo:'reader union lacking writer type: NULL'}",
      ]);
      assert.deepEqual(backward({ type: 'enum', name: 'E', symbols: ['A', 'B'] }, { type: 'enum', name: 'E', symbols: ['A'] }), [
        "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B]' at path '/symbols' in the old schema', additionalInfo:'[B]'}",
      ]);
    });

    it('checks each branch of a writer union from the top, as Avro does, so the path is /', () => {
      assert.deepEqual(backward(record([field('u', ['null', 'int'])]), record([field('u', 'int')])), [
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: NULL'}",
      ]);
      assert.deepEqual(backward(record([field('a', 'int')]), '"int"'), [
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: RECORD'}",
      ]);
    });

    it('reports a problem in a type used twice twice, at the place it was first met', () => {
      const make = (x: string): Json => record([field('a', { type: 'record', name: 'I', fields: [field('x', x)] }), field('b', 'I')]);
      const message =
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type/fields/0/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: LONG'}";
      assert.deepEqual(forward(make('int'), make('long')), [message, message]);
    });

    it('finds nested problems and stops on recursive types', () => {
      const nested = (fields: Json[]): Json => record([field('n', { type: 'record', name: 'N', fields })]);
      assert.deepEqual(backward(nested([field('x', 'int')]), nested([field('x', 'int'), field('y', 'int')])), [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'y' at path '/fields/0/type/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'y'}",
      ]);
      const node = (extra: Json[]): Json => record([field('v', 'int'), field('next', ['null', 'Node'], { default: null }), ...extra], { name: 'Node' });
      assert.deepEqual(backward(node([]), node([field('w', 'int', { default: 0 })])), []);
      assert.deepEqual(backward(node([]), node([field('w', 'int')])), [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'w' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'w'}",
      ]);
    });

    it('checks a new enum field without a field default against the old record itself, as Avro 1.11 does', () => {
      const next = record([field('a', 'int'), field('e', { type: 'enum', name: 'E', symbols: ['A'], default: 'A' })]);
      assert.deepEqual(backward(record([field('a', 'int')]), next), [
        "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: ENUM not compatible with writer type: RECORD'}",
      ]);
    });

    it('reports a reader field matching two writer fields as Confluent reports Avro\'s exception', () => {
      const messages = backward(record([field('a', 'int'), field('b', 'int')]), record([field('a', 'int', { aliases: ['b'] })]));
      assert.equal(messages.length, 1);
      assert.match(messages[0], /^Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema \{"type":"record","name":"R"/);
    });

    it('compares types from references', () => {
      const v1 = reference('com.acme.Address', { type: 'record', name: 'com.acme.Address', fields: [field('street', 'string')] });
      const v2 = reference('com.acme.Address', { type: 'record', name: 'com.acme.Address', fields: [field('street', 'string'), field('zip', 'string')] });
      const person = record([field('addr', 'com.acme.Address')]);
      const messages = worded(parse(person, [v2]).isBackwardCompatible(parse(person, [v1])), 'new', 'old');
      assert.deepEqual(messages, [
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'zip' at path '/fields/0/type/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'zip'}",
      ]);
    });

    it('refuses to compare with a schema of another type', () => {
      const other: ParsedSchema = { schemaType: 'JSON', canonical: () => '{}', normalized: () => '{}', isBackwardCompatible: () => [] };
      assert.deepEqual(parse('"int"').isBackwardCompatible(other), ['Incompatible because of different schema type']);
    });
  });
});
