/**
 * Hand-written byte vectors, laid out field by field from protocol.html and the message schemas, checked in both
 * directions: decoding gives the expected values, encoding the values gives exactly these bytes.
 */
import { strict as assert } from 'node:assert';
import {
  Reader,
  Writer,
  UnsupportedVersionError,
  ProtocolDecodeError,
  ZERO_UUID,
  readRequestHeader,
  writeRequestHeader,
  readResponseHeader,
  writeResponseHeader,
  peekRequestApi,
  type RequestHeader,
} from '../../../src/protocol/codec';
import { API_CODECS, ApiKey, getApiCodec, isFlexibleVersion, requestHeaderVersion, responseHeaderVersion } from '../../../src/protocol/messages';
import { decodeApiVersionsRequest, encodeApiVersionsRequest, type ApiVersionsRequestData } from '../../../src/protocol/messages/api-versions-request';
import { decodeApiVersionsResponse, encodeApiVersionsResponse, defaultApiVersionsResponseData } from '../../../src/protocol/messages/api-versions-response';
import { decodeMetadataRequest, encodeMetadataRequest, type MetadataRequestData } from '../../../src/protocol/messages/metadata-request';
import { decodeProduceRequest, encodeProduceRequest, type ProduceRequestData } from '../../../src/protocol/messages/produce-request';
import { decodeFetchResponse, defaultFetchResponseData, defaultPartitionData, encodeFetchResponse } from '../../../src/protocol/messages/fetch-response';
import { decodeRequestHeader, encodeRequestHeader } from '../../../src/protocol/messages/request-header';
import { COORDINATOR_RECORDS, coordinatorRecordType } from '../../../src/protocol/messages/records';
import { decodeOffsetCommitValue, encodeOffsetCommitValue } from '../../../src/protocol/messages/records/offset-commit-value';

/** Hex with spaces and `// comments` allowed, one field per line. */
function bytes(text: string): Buffer {
  return Buffer.from(
    text
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}
const ascii = (s: string): string => Buffer.from(s, 'ascii').toString('hex');

function encodeWith(fn: (w: Writer) => void, w = new Writer()): Buffer {
  fn(w);
  return w.toBuffer();
}

describe('protocol: byte vectors from the protocol guide', () => {
  it('ApiVersions v3 request: header v2 (client_id keeps an int16 length) + compact strings + empty tagged fields', () => {
    const frame = bytes(`
      0012                 // request_api_key 18
      0003                 // request_api_version 3
      00000007             // correlation_id
      0007 ${ascii('console')} // client_id: NULLABLE_STRING, int16 length even in header v2
      00                   // header TAG_BUFFER: no tagged fields
      12 ${ascii('apache-kafka-java')} // client_software_name: COMPACT_STRING, length 17 + 1
      06 ${ascii('3.9.0')}  // client_software_version: COMPACT_STRING, length 5 + 1
      00                   // body TAG_BUFFER
    `);
    assert.deepEqual(peekRequestApi(frame), { apiKey: 18, apiVersion: 3 });
    const r = new Reader(frame);
    const hv = requestHeaderVersion(18, 3);
    assert.equal(hv, 2);
    const header = readRequestHeader(r, hv);
    assert.deepEqual(header, { apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'console' });
    const body = decodeApiVersionsRequest(r, 3);
    assert.deepEqual(body, { clientSoftwareName: 'apache-kafka-java', clientSoftwareVersion: '3.9.0' });
    assert.equal(r.remaining(), 0);

    const out = encodeWith((w) => {
      writeRequestHeader(w, 2, header);
      encodeApiVersionsRequest(w, 3, body);
    });
    assert.equal(out.toString('hex'), frame.toString('hex'));
  });

  it('ApiVersions v0-2 requests have an empty body; the client software fields are ignorable', () => {
    const data: ApiVersionsRequestData = { clientSoftwareName: 'x', clientSoftwareVersion: 'y' };
    for (const v of [0, 1, 2]) {
      const out = encodeWith((w) => encodeApiVersionsRequest(w, v, data));
      assert.equal(out.length, 0, 'dropped silently: ignorable');
      assert.deepEqual(decodeApiVersionsRequest(new Reader(out), v), { clientSoftwareName: '', clientSoftwareVersion: '' });
    }
  });

  it('ApiVersions v3 response: header v0 (no tagged fields) and a tagged FinalizedFeaturesEpoch', () => {
    const frame = bytes(`
      0000002a             // response header v0: correlation_id 42, no TAG_BUFFER for ApiVersions
      0000                 // error_code
      02                   // api_keys: COMPACT_ARRAY of 1
        0000 0000 000b 00  //   api_key 0, min 0, max 11, TAG_BUFFER
      00000000             // throttle_time_ms
      01                   // TAG_BUFFER: 1 tagged field
        01 08 0000000000000005 // tag 1 (FinalizedFeaturesEpoch), size 8, int64 5
    `);
    assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
    const r = new Reader(frame);
    assert.deepEqual(readResponseHeader(r, 0), { correlationId: 42 });
    const body = decodeApiVersionsResponse(r, 3);
    assert.equal(r.remaining(), 0);
    assert.deepEqual(body, {
      ...defaultApiVersionsResponseData(),
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }],
      finalizedFeaturesEpoch: 5,
    });
    const out = encodeWith((w) => {
      writeResponseHeader(w, 0, 42);
      encodeApiVersionsResponse(w, 3, body);
    });
    assert.equal(out.toString('hex'), frame.toString('hex'));
    // The same data at v0: tagged fields do not exist there, but they are ignorable.
    assert.equal(encodeWith((w) => encodeApiVersionsResponse(w, 0, body)).toString('hex'), bytes('0000 00000001 0000 0000 000b').toString('hex'));
  });

  it('Metadata v12 request: compact nullable array of topics with uuid and nullable names', () => {
    const id = '00112233445566778899aabbccddeeff';
    const frame = bytes(`
      03                   // topics: COMPACT_NULLABLE_ARRAY of 2
        00000000000000000000000000000000 // topic_id: zero uuid
        07 ${ascii('orders')}            // name: COMPACT_NULLABLE_STRING
        00                               // TAG_BUFFER
        ${id}                            // topic_id
        00                               // name: null
        00                               // TAG_BUFFER
      01                   // allow_auto_topic_creation
      00                   // include_topic_authorized_operations
      00                   // TAG_BUFFER
    `);
    const data: MetadataRequestData = {
      topics: [
        { topicId: ZERO_UUID, name: 'orders' },
        { topicId: id, name: null },
      ],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    };
    assert.deepEqual(decodeMetadataRequest(new Reader(frame), 12), data);
    assert.equal(encodeWith((w) => encodeMetadataRequest(w, 12, data)).toString('hex'), frame.toString('hex'));
    // All topics: null in v1+, an empty array in v0.
    const all = { ...data, topics: null };
    assert.equal(encodeWith((w) => encodeMetadataRequest(w, 12, all)).toString('hex'), '00010000');
    assert.equal(encodeWith((w) => encodeMetadataRequest(w, 1, all)).toString('hex'), 'ffffffff');
    assert.deepEqual(decodeMetadataRequest(new Reader(bytes('00000000')), 0).topics, []);
    // allow_auto_topic_creation is not ignorable: v0-3 cannot say "false".
    const named = { ...data, topics: [{ topicId: id, name: 'orders' }] };
    assert.equal(encodeWith((w) => encodeMetadataRequest(w, 3, named)).toString('hex'), '00000001' + '0006' + ascii('orders'), 'topic_id is ignorable');
    assert.throws(() => encodeMetadataRequest(new Writer(), 3, { ...named, allowAutoTopicCreation: false }), UnsupportedVersionError);
    assert.throws(() => encodeMetadataRequest(new Writer(), 3, data), /null written to a non-nullable string/, 'names are nullable from v10 only');
    assert.equal(decodeMetadataRequest(new Reader(bytes('00000000')), 3).allowAutoTopicCreation, true, 'default when absent');
  });

  it('Produce v9 request: one topic, one partition, records as a zero-copy compact bytes blob', () => {
    const records = bytes('000000000000000000000031ffffffff02c0de');
    const frame = bytes(`
      00                   // transactional_id: COMPACT_NULLABLE_STRING null
      ffff                 // acks -1
      00007530             // timeout_ms 30000
      02                   // topic_data: COMPACT_ARRAY of 1
        02 ${ascii('t')}   //   name: COMPACT_STRING "t"
        02                 //   partition_data: COMPACT_ARRAY of 1
          00000000         //     index 0
          14 ${records.toString('hex')} // records: COMPACT_RECORDS, 19 bytes + 1
          00               //     TAG_BUFFER
        00                 //   TAG_BUFFER
      00                   // TAG_BUFFER
    `);
    const r = new Reader(frame);
    const data = decodeProduceRequest(r, 9);
    assert.equal(r.remaining(), 0);
    const expected: ProduceRequestData = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    };
    assert.deepEqual(data, expected);
    const got = data.topicData[0].partitionData[0].records;
    assert.ok(got && got.buffer === frame.buffer && got.byteOffset === frame.byteOffset + 16, 'records are a slice of the frame');
    assert.equal(encodeWith((w) => encodeProduceRequest(w, 9, data)).toString('hex'), frame.toString('hex'));
    // v2 cannot carry a transactional id (not ignorable); v3 can, as a classic NULLABLE_STRING.
    assert.throws(() => encodeProduceRequest(new Writer(), 2, { ...expected, transactionalId: 'tx' }), UnsupportedVersionError);
    assert.equal(encodeWith((w) => encodeProduceRequest(w, 3, { ...expected, transactionalId: 'tx', topicData: [] })).toString('hex'), '00027478ffff0000753000000000');
  });

  it('Fetch response: large record buffers are linked into the output, not copied', () => {
    const big = Buffer.alloc(100_000, 0xab);
    const data = defaultFetchResponseData();
    data.responses = [{ topic: '', topicId: '0123456789abcdef0123456789abcdef', partitions: [{ ...defaultPartitionData(), partitionIndex: 3, records: big }] }];
    const w = new Writer();
    encodeFetchResponse(w, 16, data);
    const chunks = w.toChunks();
    assert.ok(chunks.includes(big), 'the records Buffer itself is one of the chunks');
    const decoded = decodeFetchResponse(new Reader(w.toBuffer()), 16);
    assert.ok(decoded.responses[0].partitions[0].records?.equals(big));
  });

  it('response header v1 is the correlation id and an empty TAG_BUFFER; v0 has no TAG_BUFFER', () => {
    assert.equal(encodeWith((w) => writeResponseHeader(w, 1, 7)).toString('hex'), '0000000700');
    assert.equal(encodeWith((w) => writeResponseHeader(w, 0, 7)).toString('hex'), '00000007');
    assert.deepEqual(readResponseHeader(new Reader(bytes('0000000700')), 1), { correlationId: 7 });
    const withTag = readResponseHeader(new Reader(bytes('00000007 01 03 02 beef')), 1);
    assert.equal(withTag.taggedFields?.[0].tag, 3);
    assert.equal(encodeWith((w) => writeResponseHeader(w, 1, 7, withTag.taggedFields)).toString('hex'), '000000070103' + '02beef');
    assert.equal(responseHeaderVersion(ApiKey.Metadata, 12), 1);
    assert.equal(responseHeaderVersion(ApiKey.Metadata, 8), 0);
    assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 4), 0);
  });

  it('request header versions follow Kafka: 0 for ControlledShutdown v0, 2 when flexible, 1 otherwise', () => {
    assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
    assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 1), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
    assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 99), 2, 'a future ApiVersions is still parsed with header v2');
    assert.equal(isFlexibleVersion(12345, 0), false);
    // The hand-written header codec and the generated RequestHeader codec agree byte for byte.
    const h: RequestHeader = { apiKey: 1, apiVersion: 12, correlationId: -5, clientId: 'client-ü' };
    for (const v of [1, 2]) {
      const a = encodeWith((w) => writeRequestHeader(w, v, h));
      const b = encodeWith((w) => encodeRequestHeader(w, v, { requestApiKey: 1, requestApiVersion: 12, correlationId: -5, clientId: 'client-ü' }));
      assert.equal(a.toString('hex'), b.toString('hex'));
      assert.equal(decodeRequestHeader(new Reader(a), v).clientId, 'client-ü');
    }
    assert.equal(encodeWith((w) => writeRequestHeader(w, 0, h)).toString('hex'), '0001000cfffffffb');
    assert.equal(encodeWith((w) => writeRequestHeader(w, 1, { ...h, clientId: null })).toString('hex'), '0001000cfffffffbffff');
  });

  it('an unknown tagged field is skipped (kept raw) and written back in tag order', () => {
    const frame = bytes(`
      02 61                // client_software_name "a"
      02 62                // client_software_version "b"
      01                   // 1 tagged field
        05 03 aabbcc       // tag 5, size 3: unknown to ApiVersionsRequest
    `);
    const data = decodeApiVersionsRequest(new Reader(frame), 3);
    assert.equal(data.clientSoftwareName, 'a');
    assert.equal(data.clientSoftwareVersion, 'b');
    assert.deepEqual(
      data._unknownTaggedFields?.map((f) => [f.tag, f.data.toString('hex')]),
      [[5, 'aabbcc']],
    );
    assert.equal(encodeWith((w) => encodeApiVersionsRequest(w, 3, data)).toString('hex'), frame.toString('hex'));
    // A non-flexible version cannot carry them.
    assert.throws(() => encodeApiVersionsRequest(new Writer(), 2, data), UnsupportedVersionError);

    // Known and unknown tags interleaved: unknown 2 is not a tag of this struct; unknown 7 comes after known 3.
    const response = bytes(`
      0000 01 00000000     // error_code, api_keys [], throttle_time_ms
      03                   // 3 tagged fields
        01 08 0000000000000009 // tag 1 FinalizedFeaturesEpoch 9
        03 01 01           // tag 3 ZkMigrationReady true
        07 02 beef         // tag 7 unknown
    `);
    const decoded = decodeApiVersionsResponse(new Reader(response), 3);
    assert.equal(decoded.finalizedFeaturesEpoch, 9);
    assert.equal(decoded.zkMigrationReady, true);
    assert.equal(decoded._unknownTaggedFields?.[0].tag, 7);
    assert.equal(encodeWith((w) => encodeApiVersionsResponse(w, 3, decoded)).toString('hex'), response.toString('hex'));
    const unknownFirst = bytes('0000 01 00000000 02 00 00 01 08 0000000000000009');
    // Tag 0 is SupportedFeatures: an empty value there would not be a valid compact array.
    assert.throws(() => decodeApiVersionsResponse(new Reader(unknownFirst), 3));
  });

  it('a tagged value that overruns its size, or a known tag in a version before it exists, is handled', () => {
    // FetchResponse v12 top level: NodeEndpoints (tag 0) only exists from v16: kept as unknown before.
    const base = '00000000 0000 00000000 01';
    const v12 = decodeFetchResponse(new Reader(bytes(`${base} 01 00 01 01`)), 12);
    assert.deepEqual(v12.nodeEndpoints, []);
    assert.equal(v12._unknownTaggedFields?.[0].tag, 0);
    const v16 = decodeFetchResponse(new Reader(bytes(`${base} 01 00 01 01`)), 16);
    assert.deepEqual(v16.nodeEndpoints, []);
    assert.equal(v16._unknownTaggedFields, undefined);
    // A value claiming more than its declared size cannot read past it.
    assert.throws(() => decodeFetchResponse(new Reader(bytes(`${base} 01 00 01 02 00000001 02 61 00000002 00 00`)), 16), ProtocolDecodeError);
  });

  it('the api table routes every api key to its codecs', () => {
    const produce = getApiCodec(ApiKey.Produce);
    assert.ok(produce);
    assert.equal(produce.name, 'Produce');
    assert.equal(produce.minVersion, 0);
    assert.equal(produce.maxVersion, 12);
    assert.equal(produce.flexibleMinVersion, 9);
    assert.equal(produce.decodeRequest, decodeProduceRequest);
    assert.equal(API_CODECS[ApiKey.ApiVersions].maxVersion, 4);
    assert.equal(getApiCodec(-1), undefined);
    assert.equal(getApiCodec(9999), undefined);
    const keys = Object.values(ApiKey);
    assert.equal(new Set(keys).size, keys.length);
    for (const k of keys) assert.equal(getApiCodec(k)?.apiKey, k);
    assert.ok(keys.length >= 80);
  });

  it('coordinator records: OffsetCommitValue v3 and the record-type table', () => {
    const value = bytes(`
      0000000000000064     // offset 100
      00000005             // leader_epoch 5 (v3+)
      0002 ${ascii('md')}  // metadata
      0000018bcfe5687b     // commit_timestamp
    `);
    const data = decodeOffsetCommitValue(new Reader(value), 3);
    assert.deepEqual(data, { offset: 100, leaderEpoch: 5, metadata: 'md', commitTimestamp: 1700000000123, expireTimestamp: -1 });
    assert.equal(encodeWith((w) => encodeOffsetCommitValue(w, 3, data)).toString('hex'), value.toString('hex'));
    // expireTimestamp exists only in v1 (ignorable elsewhere).
    assert.equal(encodeWith((w) => encodeOffsetCommitValue(w, 1, { ...data, expireTimestamp: 5 })).length, 8 + 4 + 8 + 8);
    assert.equal(coordinatorRecordType('__consumer_offsets', 1)?.name, 'OffsetCommit');
    assert.equal(coordinatorRecordType('__consumer_offsets', 2)?.name, 'GroupMetadata');
    assert.equal(coordinatorRecordType('__transaction_state', 0)?.name, 'TransactionLog');
    assert.equal(coordinatorRecordType('__consumer_offsets', 99), undefined);
    assert.equal(COORDINATOR_RECORDS.OffsetCommit.decodeValue, decodeOffsetCommitValue);
  });
});
