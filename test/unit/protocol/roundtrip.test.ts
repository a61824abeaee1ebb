/**
 * Every generated message, at every valid version, with sample data built from a second, independent reading of
 * Kafka's schemas (spec-samples.ts):
 * - decode(encode(sample)) deep-equals the sample (absent fields come back as their default);
 * - encode(decode(bytes)) gives the same bytes, and decoding consumes exactly the encoded bytes;
 * - every strict prefix of the bytes fails with ProtocolDecodeError (never another error, never a wrong success);
 * - random byte corruption either decodes or fails with ProtocolDecodeError.
 */
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { ProtocolDecodeError, Reader, Writer } from '../../../src/protocol/codec';
import { kebab, loadSchemas, RECORDS_SPEC_DIR, SampleBuilder, SPEC_DIR, specAvailable, specMissingMessage, versionRange, type SchemaJson } from './spec-samples';
import { prng } from '../../support/prng';

type Decoder = (r: Reader, v: number) => unknown;
type Encoder = (w: Writer, v: number, d: unknown) => void;

const COMPILED_MESSAGES = resolve(__dirname, '..', '..', '..', 'src', 'protocol', 'messages');

function codecOf(schema: SchemaJson, sub: string): { decode: Decoder; encode: Encoder } {
  const mod = require(resolve(COMPILED_MESSAGES, sub, kebab(schema.name))) as Record<string, unknown>;
  const decode = mod[`decode${schema.name}`] as Decoder | undefined;
  const encode = mod[`encode${schema.name}`] as Encoder | undefined;
  if (!decode || !encode) throw new Error(`no decode/encode for ${schema.name}`);
  return { decode, encode };
}

function encode(encodeFn: Encoder, v: number, data: unknown, small: boolean): Buffer {
  // A tiny writer (16-byte first slab, 64-byte link threshold) exercises slab growth and zero-copy chunks.
  const w = small ? new Writer(16, 64) : new Writer();
  encodeFn(w, v, data);
  const chunks = w.toChunks();
  assert.equal(
    chunks.reduce((n, c) => n + c.length, 0),
    w.length,
  );
  return w.toBuffer();
}

function checkRoundTrip(schema: SchemaJson, codec: { decode: Decoder; encode: Encoder }, v: number, mode: 'full' | 'sparse', rnd: () => number): void {
  const where = `${schema.name} v${v} ${mode}`;
  const sample = new SampleBuilder(schema, mode).build(v);
  const bytes = encode(codec.encode, v, sample, mode === 'full');
  const r = new Reader(bytes);
  const decoded = codec.decode(r, v);
  assert.equal(r.remaining(), 0, `${where}: decode left ${r.remaining()} bytes`);
  assert.deepStrictEqual(decoded, sample, where);
  const again = encode(codec.encode, v, decoded, false);
  assert.ok(again.equals(bytes), `${where}: re-encoding the decoded data changed the bytes`);

  // Truncation: a strict prefix cannot decode (the decoder follows the same path and runs out of bytes).
  const cuts = bytes.length <= 48 ? Array.from({ length: bytes.length }, (_, i) => i) : Array.from({ length: 24 }, () => Math.floor(rnd() * bytes.length));
  for (const cut of cuts) {
    assert.throws(() => codec.decode(new Reader(bytes, 0, cut), v), ProtocolDecodeError, `${where}: prefix of ${cut}/${bytes.length} bytes`);
  }
  // Corruption: any outcome but an unexpected exception type.
  for (let i = 0; i < 4 && bytes.length > 0; i++) {
    const bad = Buffer.from(bytes);
    const pos = Math.floor(rnd() * bad.length);
    bad[pos] = [0xff, 0x00, 0x80, 0x7f][i];
    try {
      codec.decode(new Reader(bad), v);
    } catch (e) {
      if (!(e instanceof ProtocolDecodeError)) throw new Error(`${where}: corrupt byte ${pos} raised ${(e as Error).stack}`, { cause: e });
    }
  }
}

describe('protocol: generated codecs round-trip every message at every version', function () {
  if (!specAvailable()) {
    it('needs the Kafka schemas', function () {
      console.log(`    ${specMissingMessage()}`);
      this.skip();
    });
    return;
  }
  const groups: [string, SchemaJson[]][] = [
    ['', loadSchemas(SPEC_DIR)],
    ['records', loadSchemas(RECORDS_SPEC_DIR)],
  ];
  for (const [sub, schemas] of groups) {
    for (const schema of schemas) {
      it(`${sub ? `${sub}/` : ''}${schema.name} v${schema.validVersions}`, () => {
        const codec = codecOf(schema, sub);
        const range = versionRange(schema.validVersions);
        assert.ok(range);
        const rnd = prng(schema.name.length * 7919 + (schema.apiKey ?? 0));
        for (let v = range[0]; v <= range[1]; v++) {
          checkRoundTrip(schema, codec, v, 'full', rnd);
          checkRoundTrip(schema, codec, v, 'sparse', rnd);
        }
        assert.throws(() => codec.decode(new Reader(Buffer.alloc(64)), range[1] + 1), /does not support version/);
        assert.throws(() => codec.encode(new Writer(), range[0] - 1, {}), /does not support version/);
      });
    }
  }
});
