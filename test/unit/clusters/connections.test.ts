import { strict as assert } from 'node:assert';
import { connectionToSetting, parseBootstrap, parseConnections, secretKey, tlsOptions } from '../../../src/clusters/connections';
import { ClusterRegistry } from '../../../src/clusters/cluster-registry';
import type { ExternalCluster, ExternalClusterOptions } from '../../../src/clusters/external-cluster';

describe('external cluster connections (the tributary.connections setting)', () => {
  it('parses bootstrap servers, IPv6 in brackets too, and names the bad entry', () => {
    assert.deepEqual(parseBootstrap('a:9092, b:9093'), [
      { host: 'a', port: 9092 },
      { host: 'b', port: 9093 },
    ]);
    assert.deepEqual(parseBootstrap('[::1]:9092'), [{ host: '::1', port: 9092 }]);
    assert.throws(() => parseBootstrap('a:9092,b'), /"b" is not host:port/);
    assert.throws(() => parseBootstrap('a:70000'), /not host:port/);
    assert.throws(() => parseBootstrap(' '), /empty/);
  });

  it('keeps usable connections, says why the others are left out, never keeps a password in the setting', () => {
    const { connections, problems } = parseConnections([
      { name: 'dev', bootstrapServers: 'localhost:9092' },
      { name: 'prod', bootstrapServers: 'k1:9093', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'app', password: 'leak', caFile: '/ca.pem' },
      { name: 'dev', bootstrapServers: 'other:1' },
      { name: 'bad', bootstrapServers: 'nope' },
      { name: 'sasl', bootstrapServers: 'x:1', securityProtocol: 'SASL_PLAINTEXT' },
      { name: 'odd', bootstrapServers: 'x:1', securityProtocol: 'KERBEROS' },
      { name: 'embedded', bootstrapServers: 'x:1' },
      'junk',
    ]);
    assert.deepEqual(connections.map((c) => c.name), ['dev', 'prod']);
    assert.deepEqual(connections[0], { name: 'dev', bootstrapServers: 'localhost:9092', securityProtocol: 'PLAINTEXT' });
    assert.equal(problems.length, 6);
    assert.match(problems.join('\n'), /two connections are named "dev"/);
    assert.match(problems.join('\n'), /"bad": bootstrap server "nope" is not host:port/);
    assert.match(problems.join('\n'), /"sasl": SASL_PLAINTEXT needs a username/);
    assert.match(problems.join('\n'), /securityProtocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    const saved = connectionToSetting(connections[1]);
    assert.deepEqual(saved, { name: 'prod', bootstrapServers: 'k1:9093', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'app', caFile: '/ca.pem' });
    assert.ok(!JSON.stringify(saved).includes('leak'));
    assert.equal(secretKey('prod'), 'tributary.connection.prod.password');
  });

  it('TLS options: verification on unless turned off; the CA file read, or a clear error', () => {
    const prod = parseConnections([{ name: 'p', bootstrapServers: 'k:1', securityProtocol: 'SSL', caFile: '/ca.pem' }]).connections[0];
    assert.deepEqual(tlsOptions(prod, () => Buffer.from('PEM')), { rejectUnauthorized: true, ca: Buffer.from('PEM') });
    assert.throws(
      () =>
        tlsOptions(prod, () => {
          throw new Error('ENOENT');
        }),
      /cannot read the CA file \/ca.pem: ENOENT/,
    );
    const dev = parseConnections([{ name: 'd', bootstrapServers: 'k:1', securityProtocol: 'SSL', verifyCertificates: false }]).connections[0];
    assert.deepEqual(tlsOptions(dev), { rejectUnauthorized: false });
    assert.equal(tlsOptions(parseConnections([{ name: 'x', bootstrapServers: 'k:1' }]).connections[0]), undefined);
  });

  it('the registry: selects, makes one client per connection with its stored password, closes it when the connection changes or goes', async () => {
    const made: ExternalClusterOptions[] = [];
    const closed: string[] = [];
    const secrets = new Map([['tributary.connection.prod.password', 's3cret']]);
    const registry = new ClusterRegistry({ get: async (k) => secrets.get(k) }, (o) => {
      made.push(o);
      return { name: o.config.name, close: async () => void closed.push(o.config.name) } as unknown as ExternalCluster;
    });
    const prod = parseConnections([{ name: 'prod', bootstrapServers: 'k:1', securityProtocol: 'SASL_SSL', username: 'app' }]).connections[0];
    const nopw = parseConnections([{ name: 'nopw', bootstrapServers: 'k:1', securityProtocol: 'SASL_PLAINTEXT', username: 'app' }]).connections[0];
    const changes: string[] = [];
    registry.onChange((a) => changes.push(a));
    registry.setConnections([prod, nopw]);
    assert.equal(registry.isExternal(), false);
    assert.throws(() => registry.select('nothing'), /no connection named "nothing"/);
    registry.select('prod');
    assert.deepEqual([registry.active, registry.isExternal(), changes], ['prod', true, ['prod']]);
    const a = await registry.external();
    assert.equal(await registry.external(), a, 'one client per connection');
    assert.equal(made.length, 1);
    assert.equal(made[0].password, 's3cret');
    await assert.rejects(registry.external('nopw'), /No password is stored for the connection "nopw"/);
    // Changed: the old client goes; removed while shown: back to the embedded broker.
    registry.setConnections([{ ...prod, bootstrapServers: 'k:2' }]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(closed, ['prod']);
    assert.equal(registry.active, 'prod');
    registry.setConnections([]);
    assert.deepEqual([registry.active, registry.isExternal()], ['embedded', false]);
  });
});
