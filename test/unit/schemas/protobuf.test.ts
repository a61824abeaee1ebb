/**
 * Protobuf through the schema serde against the embedded registry: Confluent's message indexes (top-level and nested
 * messages), the proto3 JSON mapping of what is decoded (as Java's JsonFormat.printer() prints it), a referenced
 * file and a well-known import, and the problems an input that does not fit is refused with.
 */
import { strict as assert } from 'node:assert';
import * as protobuf from 'protobufjs';
import { SchemaSerde } from '../../../src/schemas/schema-serde';
import { SchemaValidationError } from '../../../src/schemas/serde-types';
import { startRegistry, type RegistryFixture } from './registry-fixture';

const MONEY = `syntax = "proto3";
package common;

message Money {
  string currency = 1;
  int64 units = 2;
}
`;

const ORDERS = `syntax = "proto3";
package shop.v1;

import "google/protobuf/timestamp.proto";
import "common/money.proto";

message Order {
  string id = 1;
  int64 quantity = 2;
  Status status = 3;
  bytes blob = 4;
  repeated Line lines = 5;
  google.protobuf.Timestamp placed_at = 6;
  common.Money total = 7;
  map<string, int32> counts = 8;
  uint64 big = 9;
  float ratio = 10;
  oneof contact {
    string email = 11;
    string phone = 12;
  }

  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  enum Status {
    UNKNOWN = 0;
    PLACED = 1;
    SHIPPED = 2;
  }
  message Note {
    string text = 1;
  }
}

message Refund {
  string order_id = 1;
  sint64 amount = 2;
}
`;

const ORDER_JSON =
  '{"id":"o-1","quantity":"9007199254740993","status":"SHIPPED","blob":"AAH/","lines":[{"sku":"s-1","qty":2},{"sku":"s-2"}],' +
  '"placedAt":"2024-01-02T03:04:05.123Z","total":{"currency":"EUR","units":"-12"},"counts":{"a":1,"b":-2},"big":"18446744073709551615","ratio":0.1,"email":"x@example.com"}';

describe('Schema serde: Protobuf', function () {
  this.timeout(30_000);
  let reg: RegistryFixture;
  let serde: SchemaSerde;
  let ordersId: number;

  before(async () => {
    reg = await startRegistry();
    await reg.register('money', 'PROTOBUF', MONEY);
    ordersId = await reg.register('orders-value', 'PROTOBUF', ORDERS, [{ name: 'common/money.proto', subject: 'money', version: 1 }]);
  });
  after(async () => {
    await reg.close();
  });
  beforeEach(() => {
    serde = new SchemaSerde(reg.client);
  });

  it('encodes the first message with the single index byte 0 and decodes it to the same proto3 JSON', async () => {
    const { bytes, schema } = await serde.encode(JSON.parse(ORDER_JSON), { subject: 'orders-value' });
    assert.deepEqual(schema, { id: ordersId, type: 'PROTOBUF', subject: 'orders-value', version: 1, messageName: 'shop.v1.Order' });
    assert.equal(bytes[5], 0, 'message indexes [0] are the single byte 0');
    const decoded = await serde.decode(bytes, { topic: 'orders' });
    assert.deepEqual(decoded, { kind: 'decoded', schema, json: ORDER_JSON });
  });

  it('takes the fields by their declared names too, and numbers for int64 and enums; leaves defaults out', async () => {
    const { bytes } = await serde.encode({ id: '', quantity: 0, status: 0, placed_at: '1970-01-01T00:00:00Z', total: { units: 5 }, phone: '' }, { subject: 'orders-value' });
    const decoded = await serde.decode(bytes);
    assert.ok(decoded.kind === 'decoded');
    // A set message field is shown even when empty; a oneof member even at its default (it has presence).
    assert.equal(decoded.json, '{"placedAt":"1970-01-01T00:00:00Z","total":{"units":"5"},"phone":""}');
  });

  it('writes message indexes [1], [0, 0] and [0, 1] (a nested message) and reads them back to the message they name', async () => {
    const refund = await serde.encode({ orderId: 'o-1', amount: '-9223372036854775808' }, { subject: 'orders-value', messageName: 'Refund' });
    assert.deepEqual([...refund.bytes.subarray(5, 7)], [0x02, 0x02]);
    assert.equal(refund.schema.messageName, 'shop.v1.Refund');
    const line = await serde.encode({ sku: 'x', qty: 1 }, { subject: 'orders-value', messageName: 'shop.v1.Order.Line' });
    assert.deepEqual([...line.bytes.subarray(5, 8)], [0x04, 0x00, 0x00]);
    const note = await serde.encode({ text: 'hello' }, { subject: 'orders-value', messageName: '.shop.v1.Order.Note' });
    assert.deepEqual([...note.bytes.subarray(5, 8)], [0x04, 0x00, 0x02]);
    const decoded = await Promise.all([refund, line, note].map((e) => serde.decode(e.bytes)));
    assert.deepEqual(
      decoded.map((d) => (d.kind === 'decoded' ? [d.schema.messageName, d.json] : d)),
      [
        ['shop.v1.Refund', '{"orderId":"o-1","amount":"-9223372036854775808"}'],
        ['shop.v1.Order.Line', '{"sku":"x","qty":1}'],
        ['shop.v1.Order.Note', '{"text":"hello"}'],
      ],
    );
  });

  it('matches protobufjs byte for byte after the indexes, and reads what protobufjs writes', async () => {
    const root = new protobuf.Root();
    protobuf.parse(MONEY, root);
    protobuf.parse(ORDERS, root);
    root.addJSON((protobuf.common as unknown as Record<string, { nested: protobuf.INamespace['nested'] }>)['google/protobuf/timestamp.proto'].nested!);
    root.resolveAll();
    const Refund = root.lookupType('shop.v1.Refund');
    const theirs = Refund.encode(Refund.fromObject({ orderId: 'r', amount: -5 })).finish();
    const ours = await serde.encode({ orderId: 'r', amount: -5 }, { subject: 'orders-value', messageName: 'Refund' });
    assert.deepEqual(ours.bytes.subarray(7), Buffer.from(theirs));
    const decoded = await serde.decode(Buffer.concat([ours.bytes.subarray(0, 7), theirs]));
    assert.ok(decoded.kind === 'decoded');
    assert.equal(decoded.json, '{"orderId":"r","amount":"-5"}');
  });

  it('reads a payload written without message indexes (as @kafkajs/confluent-schema-registry writes) as the first message', async () => {
    const header = Buffer.alloc(5);
    header.writeInt32BE(ordersId, 1);
    // id = "o-9" (field 1), quantity = 3 (field 2): no index list before it.
    const decoded = await serde.decode(Buffer.concat([header, Buffer.from([0x0a, 3, 0x6f, 0x2d, 0x39, 0x10, 3])]));
    assert.deepEqual(decoded, { kind: 'decoded', schema: { id: ordersId, type: 'PROTOBUF', subject: 'orders-value', version: 1, messageName: 'shop.v1.Order' }, json: '{"id":"o-9","quantity":"3"}' });
    const empty = await serde.decode(header);
    assert.ok(empty.kind === 'decoded' && empty.json === '{}');
  });

  it('refuses input that does not fit, naming every field at fault', async () => {
    await assert.rejects(
      serde.encode(
        { id: 5, quantity: 'many', status: 'LOST', lines: [{ sku: 's', qty: 1.5 }, 'x'], placedAt: 'yesterday', counts: { a: 'x' }, nope: 1, email: 'a', phone: 'b', big: '-1' },
        { subject: 'orders-value' },
      ),
      (e: unknown) => {
        assert.ok(e instanceof SchemaValidationError);
        const fields = e.problems.map((p) => p.split(' ')[0]);
        assert.deepEqual(fields, ['/id', '/quantity', '/status', '/lines/0/qty', '/lines/1', '/placedAt', '/counts/a', '/nope', '/phone', '/big']);
        assert.match(e.problems[0], /^\/id is not valid: expected string/);
        assert.match(e.problems[1], /^\/quantity is not valid: invalid integer/);
        assert.match(e.problems[2], /^\/status is not valid: unknown enum value/);
        assert.match(e.problems[4], /^\/lines\/1 must be an object \(message shop\.v1\.Order\.Line\)/);
        assert.match(e.problems[7], /^\/nope is not a field of shop\.v1\.Order \(its fields: id, quantity, status/);
        assert.equal(e.problems[8], '/phone and /email are both set, but they are in oneof contact: set one');
        assert.match(e.problems[9], /^\/big is not valid: .*out of range/);
        assert.match(e.message, new RegExp(`^The value does not fit schema ${ordersId} \\(orders-value version 1, PROTOBUF\\): /id`));
        return true;
      },
    );
    await assert.rejects(serde.encode({}, { subject: 'orders-value', messageName: 'Nothing' }), (e: SchemaValidationError) => {
      assert.match(e.problems[0], /the schema has no message Nothing \(it has shop\.v1\.Order, shop\.v1\.Order\.Line, shop\.v1\.Order\.Note, shop\.v1\.Refund\)/);
      return true;
    });
  });

  it("refuses a JSON number beyond 2^53 for a 64-bit field, and a proto2 message without its required fields", async () => {
    await assert.rejects(serde.encode({ quantity: 2 ** 60 }, { subject: 'orders-value' }), (e: SchemaValidationError) => {
      assert.deepEqual(e.problems, ['/quantity is beyond 2^53, where a JSON number has lost digits: write the int64 as a string ("…")']);
      return true;
    });
    await reg.register('legacy-value', 'PROTOBUF', 'syntax = "proto2";\npackage old;\n\nmessage Legacy {\n  required string code = 1;\n  optional int32 n = 2 [default = 7];\n}\n');
    await assert.rejects(serde.encode({ n: 1 }, { subject: 'legacy-value' }), (e: SchemaValidationError) => {
      assert.deepEqual(e.problems, ['/code is missing, and the field is required']);
      return true;
    });
    const { bytes } = await serde.encode({ code: '', n: 7 }, { subject: 'legacy-value' });
    const decoded = await serde.decode(bytes);
    // proto2 fields have presence: set at their default, they are shown.
    assert.ok(decoded.kind === 'decoded' && decoded.json === '{"code":"","n":7}', JSON.stringify(decoded));
  });

  it('a garbled payload or an index past the schema is an error', async () => {
    const header = Buffer.alloc(5);
    header.writeInt32BE(ordersId, 1);
    const past = await serde.decode(Buffer.concat([header, Buffer.from([0x02, 0x08])]));
    assert.ok(past.kind === 'error');
    assert.match(past.reason, new RegExp(`^the payload does not match schema ${ordersId} \\(PROTOBUF\\): message index \\[4\\] points at no message`));
    const truncated = await serde.decode(Buffer.concat([header, Buffer.from([0x00, 0x0a, 10, 0x61])]));
    assert.ok(truncated.kind === 'error');
    assert.match(truncated.reason, /the shop\.v1\.Order message ends early/);
  });

  it('a schema importing a file it has no reference for cannot be used, and says which', async () => {
    // The registry would refuse to register it; a schema like it can still come from another registry.
    const serdeOf = new SchemaSerde(reg.client);
    const client = reg.client as unknown as { schemaById: (id: number) => Promise<unknown> };
    const original = client.schemaById;
    client.schemaById = async () => ({ schema: 'syntax = "proto3";\nimport "other.proto";\nmessage A { Other o = 1; }\n', schemaType: 'PROTOBUF', references: [] });
    try {
      const header = Buffer.from([0, 0, 0, 0x7e, 0x01, 0]);
      const r = await serdeOf.decode(header);
      assert.ok(r.kind === 'error');
      assert.equal(r.reason, "schema 32257 (PROTOBUF) cannot be used: it imports 'other.proto', which is neither among its references nor a well-known file");
    } finally {
      client.schemaById = original;
    }
  });
});
