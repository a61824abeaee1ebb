/**
 * `tributary configs` (Kafka's kafka-configs.sh) against a real `tributary start`: client quotas of users, clients,
 * users' clients and ips, and their defaults, altered and described with kafka-configs.sh's messages and output
 * (values as Java prints doubles, entities and keys in the order Kafka's tool lists them), --delete-config, the
 * broker's refusals (exit 1), the tool's own checks (exit 2), --json, topic configs, and the scripts/kafka-tools
 * kafka-configs.sh wrapper.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { show, tributary } from '../support/cli-run';
import { rm, tmpDir } from '../support/tmp';
import { javaDouble } from '../../src/cli/configs';

const KAFKA_CONFIGS = path.join(__dirname, '..', '..', '..', 'scripts', 'kafka-tools', 'bin', 'kafka-configs.sh');

describe('tributary configs (kafka-configs.sh)', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  const configs = (...args: string[]) => tributary(['configs', ...args, ...bs]);
  const ok = async (...args: string[]) => {
    const r = await configs(...args);
    assert.equal(r.status, 0, show(r));
    return r.stdout;
  };
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '1']);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('prints doubles as Java does', () => {
    assert.deepEqual([1024, 12.5, 1e7, 10485760, 0.5, 1e-4, 123456.789, 9999999, 1e21, 0.001, 100].map(javaDouble), ['1024.0', '12.5', '1.0E7', '1.048576E7', '0.5', '1.0E-4', '123456.789', '9999999.0', '1.0E21', '0.001', '100.0']);
  });

  it("--alter --add-config, then --describe with kafka-configs.sh's messages: users, user defaults, a user's clients", async () => {
    assert.equal(await ok('--alter', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048', '--entity-type', 'users', '--entity-name', 'alice'), 'Completed updating config for user alice.\n');
    // Kafka's tool reads the values into a HashMap: consumer_byte_rate comes first.
    assert.equal(await ok('--describe', '--entity-type', 'users', '--entity-name', 'alice'), "Quota configs for user-principal 'alice' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0\n");

    assert.equal(await ok('--alter', '--add-config', 'producer_byte_rate=10485760', '--entity-type', 'users', '--entity-default'), 'Completed updating default config for users in the cluster.\n');
    assert.equal(await ok('--describe', '--user-defaults'), 'Quota configs for the default user-principal are producer_byte_rate=1.048576E7\n');

    assert.equal(await ok('--alter', '--add-config', 'request_percentage=12.5', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app'), 'Completed updating config for user alice.\n');
    assert.equal(await ok('--describe', '--user', 'alice', '--client', 'app'), "Quota configs for user-principal 'alice', client-id 'app' are request_percentage=12.5\n");
    assert.equal(await ok('--alter', '--add-config', 'controller_mutation_rate=0.5', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-default'), 'Completed updating config for user alice.\n');
    assert.equal(await ok('--describe', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-default'), "Quota configs for user-principal 'alice', the default client-id are controller_mutation_rate=0.5\n");
    // Clients first on the command line: the same entity.
    assert.equal(await ok('--alter', '--add-config', 'consumer_byte_rate=300', '--client', 'app'), 'Completed updating config for client app.\n');
    assert.equal(await ok('--describe', '--entity-type', 'clients', '--entity-name', 'app'), "Quota configs for client-id 'app' are consumer_byte_rate=300.0\n");
    assert.equal(await ok('--alter', '--add-config', 'producer_byte_rate=5', '--client-defaults'), 'Completed updating default config for clients in the cluster.\n');

    // A type without a name: every entity with exactly that type, the default included, in Kafka's map order.
    assert.deepEqual(lines(await ok('--describe', '--entity-type', 'users')), ['Quota configs for the default user-principal are producer_byte_rate=1.048576E7', "Quota configs for user-principal 'alice' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0"]);
    assert.deepEqual(lines(await ok('--describe', '--entity-type', 'users', '--entity-type', 'clients')).sort(), [
      "Quota configs for user-principal 'alice', client-id 'app' are request_percentage=12.5",
      "Quota configs for user-principal 'alice', the default client-id are controller_mutation_rate=0.5",
    ]);
    assert.deepEqual(lines(await ok('--describe', '--entity-type', 'clients')).sort(), ["Quota configs for client-id 'app' are consumer_byte_rate=300.0", 'Quota configs for the default client-id are producer_byte_rate=5.0']);
    assert.equal(await ok('--describe', '--entity-type', 'users', '--entity-name', 'nobody'), '', 'nothing to say about an entity without quotas');
  });

  it('ips: connection_creation_rate for an address and the default', async () => {
    assert.equal(await ok('--alter', '--add-config', 'connection_creation_rate=10', '--ip', '10.0.0.1'), 'Completed updating config for ip 10.0.0.1.\n');
    assert.equal(await ok('--alter', '--add-config', 'connection_creation_rate=100', '--entity-type', 'ips', '--entity-default'), 'Completed updating default config for ips in the cluster.\n');
    assert.equal(await ok('--describe', '--ip', '10.0.0.1'), "Quota configs for ip '10.0.0.1' are connection_creation_rate=10.0\n");
    assert.equal(await ok('--describe', '--ip-defaults'), 'Quota configs for the default ip are connection_creation_rate=100.0\n');
    assert.equal(lines(await ok('--describe', '--entity-type', 'ips')).length, 2);
  });

  it('--delete-config removes keys; deleting a key the entity lacks is refused before anything changes', async () => {
    await ok('--alter', '--add-config', 'producer_byte_rate=1,consumer_byte_rate=2,request_percentage=3', '--user', 'del');
    assert.equal(await ok('--alter', '--delete-config', 'producer_byte_rate,consumer_byte_rate', '--add-config', 'request_percentage=4', '--user', 'del'), 'Completed updating config for user del.\n');
    assert.equal(await ok('--describe', '--user', 'del'), "Quota configs for user-principal 'del' are request_percentage=4.0\n");
    const r = await configs('--alter', '--delete-config', 'consumer_byte_rate', '--user', 'del');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /Invalid config\(s\): consumer_byte_rate/);
    await ok('--alter', '--delete-config', 'request_percentage', '--user', 'del');
    assert.equal(await ok('--describe', '--user', 'del'), '', 'the entity went with its last key');
  });

  it("the broker's refusals exit 1 with Kafka's error", async () => {
    let r = await configs('--alter', '--add-config', 'producer_byte_rate=1.5', '--user', 'bad');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /INVALID_REQUEST: producer_byte_rate cannot be a fractional value\./);
    r = await configs('--alter', '--add-config', 'consumer_byte_rate=-1', '--client', 'bad');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /INVALID_REQUEST: Quota consumer_byte_rate must be greater than 0/);
    assert.equal(await ok('--describe', '--user', 'bad'), '');
  });

  it("the tool's own checks exit 2", async () => {
    const refused = async (message: RegExp, ...args: string[]) => {
      const r = await configs(...args);
      assert.equal(r.status, 2, show(r));
      assert.match(r.stderr, message);
    };
    await refused(/exactly one action/, '--user', 'a');
    await refused(/exactly one action/, '--describe', '--alter', '--user', 'a');
    await refused(/At least one entity type must be specified/, '--describe');
    await refused(/Only 'users' and 'clients' entity types may be specified together/, '--describe', '--entity-type', 'users', '--entity-type', 'ips');
    await refused(/Duplicate entity type\(s\) specified: users/, '--describe', '--entity-type', 'users', '--entity-type', 'users');
    await refused(/should not be used in conjunction with specific entity flags/, '--describe', '--entity-type', 'users', '--client', 'x');
    await refused(/Invalid entity type things/, '--describe', '--entity-type', 'things');
    await refused(/not brokers/, '--describe', '--entity-type', 'brokers');
    await refused(/must be a valid IP or resolvable host, but it is: not an ip/, '--describe', '--ip', 'not an ip');
    await refused(/An entity-name or default entity must be specified with --alter/, '--alter', '--add-config', 'producer_byte_rate=1', '--entity-type', 'users');
    await refused(/At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter/, '--alter', '--user', 'a');
    await refused(/can't be used with option "\[add-config\]"/, '--describe', '--user', 'a', '--add-config', 'producer_byte_rate=1');
    await refused(/Only quota and SCRAM credential configs can be added for 'users'.*connection_creation_rate/, '--alter', '--user', 'a', '--add-config', 'connection_creation_rate=1');
    await refused(/Only quota configs can be added for 'clients'.*retention\.ms/, '--alter', '--client', 'a', '--add-config', 'retention.ms=1');
    await refused(/Only connection quota configs can be added for 'ips'.*producer_byte_rate/, '--alter', '--ip', '10.0.0.9', '--add-config', 'producer_byte_rate=1');
    await refused(/Cannot parse quota configuration value for producer_byte_rate: lots/, '--alter', '--user', 'a', '--add-config', 'producer_byte_rate=lots');
    await refused(/--entity-default must not be specified with --describe of topics/, '--describe', '--entity-type', 'topics', '--entity-default');
  });

  it('--json describes and alters as JSON', async () => {
    const r = await configs('--alter', '--json', '--add-config', 'producer_byte_rate=2048', '--user', 'js', '--client', 'c');
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(JSON.parse(r.stdout), { entity: { 'client-id': 'c', user: 'js' }, added: { producer_byte_rate: 2048 }, deleted: [] });
    const d = JSON.parse(await ok('--describe', '--json', '--user', 'js', '--client', 'c')) as { quotas: Array<{ entity: Record<string, string | null>; values: Record<string, number> }> };
    assert.deepEqual(d.quotas.map((q) => [q.entity.user, q.entity['client-id'], q.values]), [['js', 'c', { producer_byte_rate: 2048 }]]);
  });

  it('topic configs: --alter and --describe of --entity-type topics', async () => {
    let r = await tributary(['topics', 'create', 'cfg', ...bs]);
    assert.equal(r.status, 0, show(r));
    assert.equal(await ok('--alter', '--entity-type', 'topics', '--entity-name', 'cfg', '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]'), 'Completed updating config for topic cfg.\n');
    assert.deepEqual(lines(await ok('--describe', '--topic', 'cfg')), [
      'Dynamic configs for topic cfg are:',
      '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete}',
      '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}',
    ]);
    assert.equal(await ok('--alter', '--topic', 'cfg', '--delete-config', 'cleanup.policy'), 'Completed updating config for topic cfg.\n');
    r = await configs('--alter', '--topic', 'cfg', '--delete-config', 'cleanup.policy');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /Invalid config\(s\): cleanup\.policy/);
  });

  it('kafka-configs.sh runs it', () => {
    const sh = spawnSync(KAFKA_CONFIGS, ['--bootstrap-server', bs[1], '--alter', '--entity-type', 'users', '--entity-name', 'script', '--add-config', 'consumer_byte_rate=4096'], { encoding: 'utf8' });
    assert.equal(sh.status, 0, sh.stderr);
    assert.equal(sh.stdout, 'Completed updating config for user script.\n');
    const d = spawnSync(KAFKA_CONFIGS, ['--bootstrap-server', bs[1], '--describe', '--entity-type', 'users', '--entity-name', 'script'], { encoding: 'utf8' });
    assert.equal(d.stdout, "Quota configs for user-principal 'script' are consumer_byte_rate=4096.0\n");
  });
});
