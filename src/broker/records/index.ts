// The records layer's public surface: RecordBatch v2, its records, control records, codecs and checksums.
export * from './batch-header';
export * from './batch-iterator';
export * from './compression';
export * from './control-record';
export { crc32c, updateCrc32c } from './crc32c';
export * from './errors';
export * from './record';
export * from './record-batch';
export * from './varint';
