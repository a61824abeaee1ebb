/** A compatibility refusal's reasons out of Confluent's messages (no VS Code). */
import { strict as assert } from 'node:assert';
import { compatibilityReasons } from '../../../src/schemas/compatibility-messages';

describe('Compatibility messages (no VS Code)', () => {
  it("keeps each incompatibility's description and additional info, and drops the context that follows", () => {
    const avro = [
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
      '{oldSchemaVersion: 1}',
      `{oldSchema: '{"type":"record","name":"R","fields":[{"name":"x","type":"int"}]}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ];
    assert.deepEqual(compatibilityReasons(avro), ["The type (path '/fields/0/type') of a field in the new schema does not match with the old schema (reader type: STRING not compatible with writer type: INT)"]);
    const protobuf = ['{errorType:"FIELD_KIND_CHANGED", description:"The kind of a field at path \'#/Order/1\' in the new schema does not match"}', '{oldSchemaVersion: 2}'];
    assert.deepEqual(compatibilityReasons(protobuf), ["The kind of a field at path '#/Order/1' in the new schema does not match"]);
    assert.deepEqual(compatibilityReasons(['{errorType:"X", description:""}']), ['X'], 'no description: the error type');
  });

  it('leaves other messages as they are (an invalid schema), and all of them when only context is left', () => {
    assert.deepEqual(compatibilityReasons(['Invalid schema {subject=a} of type AVRO, details: Type not supported: recrd']), ['Invalid schema {subject=a} of type AVRO, details: Type not supported: recrd']);
    assert.deepEqual(compatibilityReasons(['{oldSchemaVersion: 1}']), ['{oldSchemaVersion: 1}']);
    assert.deepEqual(compatibilityReasons([]), []);
  });
});
