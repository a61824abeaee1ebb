/**
 * Nothing in a data directory keeps the broker from starting, and nothing a client may legally do bricks it: a topic
 * with a 249-character name is deleted (its "-delete" directory name is cut to 255 bytes as Kafka cuts it), unknown
 * entries are left alone, a partition directory that cannot be opened is moved aside as "-stray" with its files
 * intact and named in the broker's warnings, and a log the metadata does not know is kept aside, not deleted.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cluster } from '../../src/broker/cluster';
import { MemoryLogger } from '../../src/broker/logger';
import { brokerStatus } from '../../src/broker/cluster-views';
import { startTestBroker } from '../support/broker';
import { textBatch } from '../support/batches';
import { tmpDir, rm } from '../support/tmp';
import { retiredDirName } from '../../src/broker/storage/log-files';

describe('data directory robustness', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('robust')));
  afterEach(() => rm(dir));

  it('retired directory names keep within 255 bytes for every legal topic name, as Kafka cuts them', () => {
    const uuid = 'f'.repeat(32);
    for (const len of [1, 200, 214, 249]) {
      const name = retiredDirName({ topic: 't'.repeat(len), partition: 12345 }, uuid, '-delete');
      assert.ok(Buffer.byteLength(name) <= 255, `${len}: ${Buffer.byteLength(name)}`);
      assert.ok(name.endsWith(`-12345.${uuid}-delete`));
    }
    assert.equal(retiredDirName({ topic: 'orders', partition: 0 }, uuid, '-stray'), `orders-0.${uuid}-stray`);
  });

  it('DeleteTopics of a topic with a 249-character name succeeds, leaves nothing behind, and the broker restarts', async () => {
    const long = 'x'.repeat(249);
    let broker = await startTestBroker({ nodes: 3, dataDir: dir });
    try {
      broker.cluster.createTopic(long, 2, 3);
      broker.cluster.append(long, 0, textBatch(['a', 'b']));
      const r = await import('../support/raw-client').then(({ sendRequest }) => sendRequest(broker.bootstrap, 20, 6, { topics: [{ name: long, topicId: '00000000000000000000000000000000' }], topicNames: [], timeoutMs: 5000 }));
      assert.equal(r.responses[0].errorCode, 0, r.responses[0].errorMessage ?? '');
      assert.equal(broker.cluster.metadata.topic(long), undefined);
      for (let n = 0; n < 3; n++) assert.deepEqual(fs.readdirSync(path.join(dir, `node-${n}`)).filter((f) => f.startsWith('xxx')), [], `node ${n} kept a directory`);
    } finally {
      await broker.stop(true);
    }
    broker = await startTestBroker({ nodes: 3, dataDir: dir });
    await broker.stop(true);
  });

  it('starts whatever the directory holds: unknown entries left alone, an unreadable log moved aside with its files, warnings said', async () => {
    let cluster = new Cluster({ dataDir: dir, nodes: 1, logger: new MemoryLogger() });
    cluster.createTopic('good', 1, 1);
    cluster.createTopic('broken', 1, 1);
    cluster.append('good', 0, textBatch(['kept']));
    cluster.append('broken', 0, textBatch(['precious']));
    cluster.shutdown();

    const node = path.join(dir, 'node-0');
    const brokenDir = path.join(node, 'broken-0');
    const segment = path.join(brokenDir, '00000000000000000000.log');
    const precious = fs.readFileSync(segment);
    // A log that cannot be opened: its index is a directory.
    fs.rmSync(path.join(brokenDir, '00000000000000000000.index'));
    fs.mkdirSync(path.join(brokenDir, '00000000000000000000.index'));
    fs.mkdirSync(path.join(node, 'notes'));
    fs.writeFileSync(path.join(node, 'README.txt'), 'user file');
    fs.mkdirSync(path.join(node, 'old-topic-0.0123456789abcdef0123456789abcdef-delete'));
    // A partition the metadata does not know (restored from elsewhere): kept aside, not deleted.
    fs.cpSync(path.join(node, 'good-0'), path.join(node, 'orphan-0'), { recursive: true });

    const logger = new MemoryLogger();
    cluster = new Cluster({ dataDir: dir, nodes: 1, logger });
    try {
      const entries = fs.readdirSync(node);
      assert.ok(entries.includes('notes') && entries.includes('README.txt'), 'unknown entries are left alone');
      assert.ok(!entries.some((e) => e.endsWith('-delete')), 'an unfinished deletion is finished');
      const strays = entries.filter((e) => e.endsWith('-stray'));
      assert.equal(strays.length, 2, entries.join(' '));
      const brokenStray = strays.find((s) => s.startsWith('broken-0.'))!;
      assert.deepEqual(fs.readFileSync(path.join(node, brokenStray, '00000000000000000000.log')), precious, 'the data is kept, byte for byte');
      assert.ok(strays.some((s) => s.startsWith('orphan-0.')));
      // The broker runs: the good log is intact, the broken partition starts over empty.
      assert.equal(cluster.leaderLog('good', 0).logEndOffset, 1);
      assert.equal(cluster.leaderLog('broken', 0).logEndOffset, 0);
      cluster.append('broken', 0, textBatch(['new']));
      const warnings = brokerStatus(cluster, undefined).warnings!;
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.ok(warnings.some((w) => /broken-0 was moved aside to .*-stray because it cannot be opened/.test(w)), warnings.join('\n'));
      assert.ok(warnings.some((w) => /orphan-0 was moved aside .* not in the cluster metadata/.test(w)), warnings.join('\n'));
      assert.ok(logger.lines.some((l) => /WARN.*broken-0 was moved aside/.test(l)));
    } finally {
      cluster.shutdown();
    }
    // And it starts again cleanly, leaving the stray directories alone.
    cluster = new Cluster({ dataDir: dir, nodes: 1, logger: new MemoryLogger() });
    assert.deepEqual(brokerStatus(cluster, undefined).warnings, []);
    cluster.shutdown();
  });
});

describe('data directory privacy', function () {
  this.timeout(30000);

  /** Every entry below `dir` with its permission bits. */
  function modes(dir: string): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isSocket()) continue;
      out.push([p, fs.statSync(p).mode & 0o777]);
      if (e.isDirectory()) out.push(...modes(p));
    }
    return out;
  }

  it('a data directory the broker creates is 0700 and everything in it private (0700 directories, 0600 files); an existing one keeps its mode', async () => {
    const parent = tmpDir('private');
    try {
      const created = path.join(parent, 'new-data');
      const broker = await startTestBroker({ nodes: 3, dataDir: created });
      try {
        broker.cluster.createTopic('secret', 2, 3);
        broker.cluster.append('secret', 0, textBatch(['card number']));
        const { sendRequest } = await import('../support/raw-client');
        const found = (await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 0, coordinatorKeys: ['g'] })).coordinators[0];
        const commit = await sendRequest(`${found.host}:${found.port}`, 8, 8, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }] });
        assert.equal(commit.topics[0].partitions[0].errorCode, 0);
        for (const n of broker.cluster.nodes) n.logManager.checkpointAll();
      } finally {
        await broker.stop(true);
      }
      assert.equal(fs.statSync(created).mode & 0o777, 0o700);
      const all = modes(created);
      assert.ok(all.length > 20, `${all.length} entries`);
      const open = all.filter(([, m]) => (m & 0o077) !== 0).map(([p, m]) => `${p} ${m.toString(8)}`);
      assert.deepEqual(open, [], 'nothing readable by other users');
      assert.ok(all.some(([p]) => p.endsWith('.log')) && all.some(([p]) => p.endsWith('cluster-metadata.json')) && all.some(([p]) => p.includes('__consumer_offsets')));

      // A directory the user made keeps the mode the user gave it.
      const existing = path.join(parent, 'mine');
      fs.mkdirSync(existing, { mode: 0o755 });
      fs.chmodSync(existing, 0o755);
      const again = await startTestBroker({ nodes: 1, dataDir: existing });
      await again.stop(true);
      assert.equal(fs.statSync(existing).mode & 0o777, 0o755);
    } finally {
      rm(parent);
    }
  });
});
