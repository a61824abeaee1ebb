/**
 * An external cluster's schema registry as its connection configures it: the setting's validation, the secret
 * from SecretStorage, and the Authorization header a real HTTP server receives (basic and bearer), plus the
 * registry's own error code surfacing in the client's error.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectionToSetting, parseConnection, registrySecretKey, type ConnectionConfig } from '../../../src/clusters/connections';
import { SchemaRegistryClient, RegistryHttpError } from '../../../src/schemas/registry-client';
import { SchemaRegistries, connectionRegistryEndpoint } from '../../../src/schemas/registry-source';

describe('schema registry of an external connection', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/subjects') {
        res.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end('["a-value"]');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":40401,"message":"Subject \'x\' not found."}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const base = { name: 'prod', bootstrapServers: 'localhost:9092' };

  it('the setting: a URL string or { url, auth, username }; bad URLs, auth kinds and a missing user are named; never a secret in the setting', () => {
    const c = parseConnection({ ...base, schemaRegistry: { url, auth: 'basic', username: 'sr-user' } }) as ConnectionConfig;
    assert.deepEqual(c.schemaRegistry, { url, auth: 'basic', username: 'sr-user' });
    assert.deepEqual(connectionToSetting(c).schemaRegistry, { url, auth: 'basic', username: 'sr-user' });
    assert.deepEqual((parseConnection({ ...base, schemaRegistry: url }) as ConnectionConfig).schemaRegistry, { url, auth: 'none' });
    assert.equal((parseConnection({ ...base }) as ConnectionConfig).schemaRegistry, undefined);
    assert.match((parseConnection({ ...base, schemaRegistry: 'ftp://x' }) as { problem: string }).problem, /http:\/\/ or https:\/\//);
    assert.match((parseConnection({ ...base, schemaRegistry: { url: 'not a url' } }) as { problem: string }).problem, /is not a URL/);
    assert.match((parseConnection({ ...base, schemaRegistry: { url, auth: 'oauth' } }) as { problem: string }).problem, /auth must be one of none, basic, bearer/);
    assert.match((parseConnection({ ...base, schemaRegistry: { url, auth: 'basic' } }) as { problem: string }).problem, /needs a username/);
  });

  it('basic auth and bearer tokens come from SecretStorage and reach the registry; a missing secret says how to set it', async () => {
    const secrets = new Map([[registrySecretKey('prod'), 's3cret']]);
    const get = async (k: string) => secrets.get(k);
    const basic = parseConnection({ ...base, schemaRegistry: { url, auth: 'basic', username: 'sr-user' } }) as ConnectionConfig;
    const e1 = await connectionRegistryEndpoint(basic, get);
    assert.deepEqual(await new SchemaRegistryClient(e1!).subjects(), ['a-value']);
    assert.equal(seen.at(-1)!.authorization, `Basic ${Buffer.from('sr-user:s3cret').toString('base64')}`);

    const bearer = parseConnection({ ...base, schemaRegistry: { url, auth: 'bearer' } }) as ConnectionConfig;
    const registries = new SchemaRegistries(() => connectionRegistryEndpoint(bearer, get));
    assert.deepEqual(await (await registries.client())!.subjects(), ['a-value']);
    assert.equal(seen.at(-1)!.authorization, 'Bearer s3cret');
    // One client per endpoint: asked again, the same (its caches survive).
    assert.equal(await registries.client(), await registries.client());

    const none = parseConnection({ ...base, schemaRegistry: url }) as ConnectionConfig;
    await new SchemaRegistryClient((await connectionRegistryEndpoint(none, get))!).subjects();
    assert.equal(seen.at(-1)!.authorization, undefined);

    await assert.rejects(connectionRegistryEndpoint(basic, async () => undefined), /No password is stored for the schema registry of "prod"/);
    assert.equal(await connectionRegistryEndpoint(parseConnection(base) as ConnectionConfig, get), undefined);
  });

  it("an https registry is checked with the connection's CA file and its choice about verifying; http needs no TLS options", async () => {
    const ca = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls', 'ca.pem');
    const tls = parseConnection({ ...base, securityProtocol: 'SSL', caFile: ca, schemaRegistry: 'https://registry.example:8081' }) as ConnectionConfig;
    const e = (await connectionRegistryEndpoint(tls, async () => undefined))!;
    assert.deepEqual([e.tls!.rejectUnauthorized, String(e.tls!.ca)], [true, readFileSync(ca, 'utf8')]);
    const unverified = parseConnection({ ...base, securityProtocol: 'SSL', verifyCertificates: false, schemaRegistry: 'https://registry.example:8081' }) as ConnectionConfig;
    assert.equal((await connectionRegistryEndpoint(unverified, async () => undefined))!.tls!.rejectUnauthorized, false);
    assert.equal((await connectionRegistryEndpoint(parseConnection({ ...base, schemaRegistry: url }) as ConnectionConfig, async () => undefined))!.tls, undefined);
  });

  it("the registry's refusals keep its status and Confluent error code; an unreachable registry is named", async () => {
    const client = new SchemaRegistryClient({ url });
    const e = await client.versions('x').catch((x: unknown) => x);
    assert.ok(e instanceof RegistryHttpError);
    assert.deepEqual([e.status, e.errorCode], [404, 40401]);
    assert.match(e.message, /Subject 'x' not found/);
    await assert.rejects(new SchemaRegistryClient({ url: 'http://127.0.0.1:1', timeoutMs: 2000 }).subjects(), /Cannot reach the schema registry at http:\/\/127\.0\.0\.1:1/);
    assert.throws(() => new SchemaRegistryClient({ url: 'file:///etc' }), /http:\/\/ or https:\/\//);
  });
});
