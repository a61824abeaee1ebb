import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OffsetCheckpointFile, CheckpointFile, leaderEpochCheckpointFormat, CorruptCheckpointError } from '../../../src/broker/storage/checkpoint-file';
import { tmpDir, rm } from '../../support/tmp';

describe('checkpoint files', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('writes Kafka\'s text format: version, count, "topic partition offset" lines', () => {
    const f = new OffsetCheckpointFile(path.join(dir, 'recovery-point-offset-checkpoint'));
    f.write([{ topic: 'orders', partition: 0, offset: 42 }, { topic: 'my-topic', partition: 11, offset: 7 }]);
    assert.equal(fs.readFileSync(f.file, 'utf8'), '0\n2\norders 0 42\nmy-topic 11 7\n');
    assert.deepEqual([...f.read()], [['orders-0', 42], ['my-topic-11', 7]]);
    assert.ok(!fs.existsSync(f.file + '.tmp'), 'the temp file is renamed away');
  });

  it('reads nothing from a missing file and refuses a malformed one', () => {
    const f = new OffsetCheckpointFile(path.join(dir, 'x'));
    assert.equal(f.read().size, 0);
    fs.writeFileSync(f.file, '0\n2\norders 0 42\n');
    assert.throws(() => f.read(), CorruptCheckpointError);
    fs.writeFileSync(f.file, '1\n0\n');
    assert.throws(() => f.read(), /unrecognized version/);
    fs.writeFileSync(f.file, '0\n1\norders zero 42\n');
    assert.throws(() => f.read(), /malformed line 3/);
  });

  it('leader-epoch-checkpoint holds "epoch startOffset" lines', () => {
    const f = new CheckpointFile(path.join(dir, 'leader-epoch-checkpoint'), leaderEpochCheckpointFormat);
    f.write([{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 120 }]);
    assert.equal(fs.readFileSync(f.file, 'utf8'), '0\n2\n0 0\n3 120\n');
    assert.deepEqual(f.read(), [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 120 }]);
  });
});
