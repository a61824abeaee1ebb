// Feature versions in raw frames (KIP-584, KIP-1022): ApiVersions v3/v4 report the supported features and the
// cluster's finalized levels as a Kafka 4.0 broker does (a new cluster formatted as Kafka 4.0 formats one), and
// UpdateFeatures 0-2 changes them as Kafka 4.0's controller does: each of its errors, validateOnly, the downgrade
// types, the epoch, persistence across a restart, and ALTER on the cluster.
import { strict as assert } from 'node:assert';
import { startTestBroker, type TestBroker } from '../support/broker';
import { startAuthzBroker, type AuthzBroker, AclOperation as Op, ResourceType as R } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { ELIGIBLE_LEADER_REPLICAS_VERSION, GROUP_VERSION, KRAFT_VERSION, METADATA_VERSION, TRANSACTION_VERSION, UpgradeType, metadataVersionName } from '../../src/broker/metadata/features';
import type { UpdateFeaturesResponseData } from '../../src/protocol/messages/update-features-response';
import type { ApiVersionsResponseData } from '../../src/protocol/messages/api-versions-response';

type Update = { feature: string; level: number; type?: number; allowDowngrade?: boolean };

const apiVersions = (c: RawClient, version: number) => c.request(18, version, { clientSoftwareName: version >= 3 ? 'features-test' : '', clientSoftwareVersion: version >= 3 ? '1' : '' });

const updateFeatures = (c: RawClient, version: number, updates: Update[], validateOnly = false): Promise<UpdateFeaturesResponseData> =>
  c.request(57, version, {
    timeoutMs: 60000,
    featureUpdates: updates.map((u) => ({ feature: u.feature, maxVersionLevel: u.level, allowDowngrade: version === 0 && !!u.allowDowngrade, upgradeType: version >= 1 ? (u.type ?? UpgradeType.UPGRADE) : UpgradeType.UPGRADE })),
    validateOnly: version >= 1 && validateOnly,
  });

const finalized = (r: ApiVersionsResponseData) => Object.fromEntries(r.finalizedFeatures.map((f) => [f.name, [f.minVersionLevel, f.maxVersionLevel]]));
const supported = (r: ApiVersionsResponseData) => Object.fromEntries(r.supportedFeatures.map((f) => [f.name, [f.minVersion, f.maxVersion]]));

/** What a new Kafka 4.0 cluster finalizes: no eligible.leader.replicas.version (level 0). */
const NEW_CLUSTER = { [GROUP_VERSION]: [1, 1], [KRAFT_VERSION]: [1, 1], [METADATA_VERSION]: [25, 25], [TRANSACTION_VERSION]: [2, 2] };

describe('feature versions: ApiVersions features and UpdateFeatures', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let c: RawClient;
  beforeEach(async () => {
    broker = await startTestBroker({ nodes: 2 });
    c = await RawClient.connect(broker.bootstrap);
  });
  afterEach(async () => {
    c.close();
    await broker.stop();
  });

  it('ApiVersions v4: every supported feature, minimums of 0 included; the finalized levels of a new Kafka 4.0 cluster', async () => {
    const r = await apiVersions(c, 4);
    assert.deepEqual(supported(r), {
      [ELIGIBLE_LEADER_REPLICAS_VERSION]: [0, 1],
      [GROUP_VERSION]: [0, 1],
      [KRAFT_VERSION]: [0, 1],
      [METADATA_VERSION]: [7, 25],
      [TRANSACTION_VERSION]: [0, 2],
    });
    assert.deepEqual(finalized(r), NEW_CLUSTER);
    assert.equal(r.finalizedFeaturesEpoch, 0);
    assert.equal(metadataVersionName(25), '4.0-IV3');
    assert.equal(metadataVersionName(7), '3.3-IV3');
    // UpdateFeatures is served (0-2), as a Kafka 4.0 broker forwards it to its controller.
    const updateFeatures = r.apiKeys.find((k) => k.apiKey === 57)!;
    assert.deepEqual([updateFeatures.minVersion, updateFeatures.maxVersion], [0, 2]);
  });

  it('ApiVersions v3 leaves out the features whose supported minimum is 0 (KAFKA-17492); v0-2 have no features', async () => {
    const v3 = await apiVersions(c, 3);
    assert.deepEqual(supported(v3), { [METADATA_VERSION]: [7, 25] });
    assert.deepEqual(finalized(v3), NEW_CLUSTER, 'finalized levels are all above 0');
    const v2 = await apiVersions(c, 2);
    assert.deepEqual([v2.supportedFeatures, v2.finalizedFeatures, v2.finalizedFeaturesEpoch], [[], [], -1]);
  });

  it('each refusal is INVALID_UPDATE_VERSION at the top level with Kafka’s reason, no per-feature results, nothing changed', async () => {
    const refusals: Array<[Update[], RegExp]> = [
      [[{ feature: 'no.such.feature', level: 1 }], /Invalid update version 1 for feature no\.such\.feature\. Local controller \d+ does not support this feature\./],
      [[{ feature: 'no.such.feature', level: 0 }], /Feature no\.such\.feature not found\./],
      [[{ feature: TRANSACTION_VERSION, level: 3 }], /Invalid update version 3 for feature transaction\.version\. Local controller \d+ only supports versions 0-2/],
      [[{ feature: METADATA_VERSION, level: 6, type: UpgradeType.SAFE_DOWNGRADE }], /only supports versions 7-25/],
      [[{ feature: TRANSACTION_VERSION, level: -1, type: UpgradeType.SAFE_DOWNGRADE }], /A feature version cannot be less than 0\./],
      [[{ feature: TRANSACTION_VERSION, level: 1, type: 4 }], /The controller does not support the given upgrade type\./],
      [[{ feature: TRANSACTION_VERSION, level: 1 }], /Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade\./],
      [[{ feature: ELIGIBLE_LEADER_REPLICAS_VERSION, level: 1, type: UpgradeType.SAFE_DOWNGRADE }], /Can't downgrade to a newer version\./],
      [[{ feature: METADATA_VERSION, level: 22, type: UpgradeType.SAFE_DOWNGRADE }], /Invalid metadata\.version 22\. Refusing to perform the requested downgrade because it might delete metadata information\./],
      [[{ feature: METADATA_VERSION, level: 22, type: UpgradeType.UNSAFE_DOWNGRADE }], /Invalid metadata\.version 22\. Unsafe metadata downgrade is not supported in this version\./],
      [[{ feature: KRAFT_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE }], /feature kraft\.version/],
      // Dependencies are judged on the levels the whole request leads to.
      [
        [
          { feature: ELIGIBLE_LEADER_REPLICAS_VERSION, level: 1 },
          { feature: METADATA_VERSION, level: 22, type: UpgradeType.SAFE_DOWNGRADE },
        ],
        /eligible\.leader\.replicas\.version could not be set to 1 because it depends on metadata\.version level 23/,
      ],
      // One bad update fails the good ones with it.
      [
        [
          { feature: GROUP_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE },
          { feature: TRANSACTION_VERSION, level: 5 },
        ],
        /following feature had an error: Invalid update version 5 for feature transaction\.version/,
      ],
    ];
    for (const [updates, reason] of refusals) {
      for (const version of [1, 2]) {
        const r = await updateFeatures(c, version, updates);
        assert.equal(r.errorCode, ErrorCode.INVALID_UPDATE_VERSION, `${JSON.stringify(updates)} v${version}`);
        assert.match(r.errorMessage ?? '', /^The update failed for all features since the following feature had an error: /);
        assert.match(r.errorMessage ?? '', reason);
        assert.deepEqual(r.results, []);
      }
    }
    const after = await apiVersions(c, 4);
    assert.deepEqual(finalized(after), NEW_CLUSTER);
    assert.equal(after.finalizedFeaturesEpoch, 0);
  });

  it('downgrades by type, disabling (level 0 leaves the finalized list), upgrades back; v0-1 answer per feature, v2 only at the top; the epoch moves with the levels', async () => {
    const ok = (r: UpdateFeaturesResponseData, features: string[]) => assert.deepEqual([r.errorCode, r.errorMessage, r.results.map((x) => [x.feature, x.errorCode, x.errorMessage])], [0, null, features.map((f) => [f, 0, null])]);
    ok(await updateFeatures(c, 1, [{ feature: TRANSACTION_VERSION, level: 1, type: UpgradeType.SAFE_DOWNGRADE }]), [TRANSACTION_VERSION]);
    let r = await apiVersions(c, 4);
    assert.deepEqual(finalized(r)[TRANSACTION_VERSION], [1, 1]);
    assert.equal(r.finalizedFeaturesEpoch, 1);
    ok(await updateFeatures(c, 2, [{ feature: TRANSACTION_VERSION, level: 0, type: UpgradeType.UNSAFE_DOWNGRADE }, { feature: GROUP_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE }]), []);
    r = await apiVersions(c, 4);
    assert.deepEqual(Object.keys(finalized(r)).sort(), [KRAFT_VERSION, METADATA_VERSION]);
    assert.equal(r.finalizedFeaturesEpoch, 2, 'one request, one epoch');
    // A level that does not change is accepted and moves nothing.
    ok(await updateFeatures(c, 1, [{ feature: TRANSACTION_VERSION, level: 0 }]), [TRANSACTION_VERSION]);
    assert.equal((await apiVersions(c, 4)).finalizedFeaturesEpoch, 2);
    // v0: AllowDowngrade instead of the upgrade type.
    ok(await updateFeatures(c, 0, [{ feature: TRANSACTION_VERSION, level: 2 }, { feature: GROUP_VERSION, level: 1 }, { feature: ELIGIBLE_LEADER_REPLICAS_VERSION, level: 1 }]), [TRANSACTION_VERSION, GROUP_VERSION, ELIGIBLE_LEADER_REPLICAS_VERSION]);
    assert.equal((await updateFeatures(c, 0, [{ feature: ELIGIBLE_LEADER_REPLICAS_VERSION, level: 0 }])).errorCode, ErrorCode.INVALID_UPDATE_VERSION, 'a downgrade needs AllowDowngrade');
    ok(await updateFeatures(c, 0, [{ feature: ELIGIBLE_LEADER_REPLICAS_VERSION, level: 0, allowDowngrade: true }]), [ELIGIBLE_LEADER_REPLICAS_VERSION]);
    // metadata.version goes down safely while no level on the way changed the metadata (4.0-IV3 to 4.0-IV1).
    ok(await updateFeatures(c, 1, [{ feature: METADATA_VERSION, level: 23, type: UpgradeType.SAFE_DOWNGRADE }]), [METADATA_VERSION]);
    ok(await updateFeatures(c, 1, [{ feature: METADATA_VERSION, level: 25 }]), [METADATA_VERSION]);
    r = await apiVersions(c, 4);
    assert.deepEqual(finalized(r), NEW_CLUSTER);
    assert.equal(r.finalizedFeaturesEpoch, 6);
    // Every node answers with the same levels.
    const other = await RawClient.connect(broker.bootstrap.split(',')[1]);
    try {
      assert.deepEqual(finalized(await apiVersions(other, 4)), NEW_CLUSTER);
    } finally {
      other.close();
    }
  });

  it('validateOnly checks and answers as the real update would, and changes nothing', async () => {
    const r = await updateFeatures(c, 1, [{ feature: TRANSACTION_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE }], true);
    assert.deepEqual([r.errorCode, r.results.map((x) => x.feature)], [0, [TRANSACTION_VERSION]]);
    const refused = await updateFeatures(c, 1, [{ feature: TRANSACTION_VERSION, level: 0 }], true);
    assert.equal(refused.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
    const after = await apiVersions(c, 4);
    assert.deepEqual([finalized(after), after.finalizedFeaturesEpoch], [NEW_CLUSTER, 0]);
  });

  it('the finalized levels and their epoch survive a restart', async () => {
    assert.equal((await updateFeatures(c, 1, [{ feature: GROUP_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE }, { feature: TRANSACTION_VERSION, level: 1, type: UpgradeType.SAFE_DOWNGRADE }])).errorCode, 0);
    c.close();
    await broker.stop(true);
    broker = await startTestBroker({ nodes: 2, dataDir: broker.dataDir });
    c = await RawClient.connect(broker.bootstrap);
    const r = await apiVersions(c, 4);
    assert.deepEqual(finalized(r), { [KRAFT_VERSION]: [1, 1], [METADATA_VERSION]: [25, 25], [TRANSACTION_VERSION]: [1, 1] });
    assert.equal(r.finalizedFeaturesEpoch, 1);
  });
});

describe('feature versions: UpdateFeatures needs ALTER on the cluster', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  before(async () => (broker = await startAuthzBroker()));
  after(async () => broker?.stop());

  it('refused: CLUSTER_AUTHORIZATION_FAILED at the top level, no results, nothing changed; ApiVersions needs nothing', async () => {
    const alice = await broker.connectAs('alice');
    const update: Update[] = [{ feature: GROUP_VERSION, level: 0, type: UpgradeType.SAFE_DOWNGRADE }];
    for (const version of [0, 1, 2]) {
      const r = await updateFeatures(alice, version, version === 0 ? [{ ...update[0], allowDowngrade: true }] : update);
      assert.deepEqual([r.errorCode, r.results], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, []], `v${version}`);
    }
    // Validation does not leak to a principal refused: even an invalid update gets the authorization error.
    assert.equal((await updateFeatures(alice, 1, [{ feature: 'no.such.feature', level: 9 }])).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    // ALTER on some other resource type is not enough; DESCRIBE on the cluster neither.
    broker.allow('User:alice', Op.DESCRIBE, R.CLUSTER, 'kafka-cluster');
    broker.allow('User:alice', Op.ALTER, R.TOPIC, '*');
    assert.equal((await updateFeatures(alice, 1, update)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.deepEqual(finalized(await apiVersions(alice, 4))[GROUP_VERSION], [1, 1]);
    broker.allow('User:alice', Op.ALTER, R.CLUSTER, 'kafka-cluster');
    assert.equal((await updateFeatures(alice, 1, update)).errorCode, 0);
    assert.equal(finalized(await apiVersions(alice, 4))[GROUP_VERSION], undefined);
    // The super user needs no ACL.
    const admin = await broker.connectAs('admin');
    assert.equal((await updateFeatures(admin, 2, [{ feature: GROUP_VERSION, level: 1 }])).errorCode, 0);
  });
});
