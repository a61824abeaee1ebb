/**
 * A broker with Kafka's StandardAuthorizer on a SASL_PLAINTEXT listener, and raw clients authenticated as one of its
 * users, for the authorization tests: `admin` is a super user, `alice` and `bob` have only what ACLs give them.
 */
import { startTestBroker, TestBroker } from './broker';
import { RawClient } from './raw-client';
import { STANDARD_AUTHORIZER_CLASS } from '../../src/broker/security/standard-authorizer';
import { PatternType, PermissionType, type AclBinding } from '../../src/broker/security/acl-binding';
import { AclOperation, ResourceType } from '../../src/broker/security/acl-operations';

export { AclOperation, ResourceType, PatternType, PermissionType };

export const AUTHZ_USERS = [
  { name: 'admin', password: 'admin-secret' },
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];

export interface AuthzBroker extends TestBroker {
  /** A raw client on node 0 (or `node`), authenticated with SASL/PLAIN as `user`. */
  connectAs(user: string, node?: number): Promise<RawClient>;
  /** Adds ACLs straight through the authorizer (the tests of CreateAcls itself go through the wire). */
  allow(principal: string, operation: number, resourceType: number, resourceName: string, patternType?: number): void;
  deny(principal: string, operation: number, resourceType: number, resourceName: string, patternType?: number): void;
}

export async function startAuthzBroker(opts: { nodes?: number; config?: Record<string, string>; dataDir?: string } = {}): Promise<AuthzBroker> {
  const broker = await startTestBroker({
    nodes: opts.nodes ?? 1,
    dataDir: opts.dataDir,
    config: { 'authorizer.class.name': STANDARD_AUTHORIZER_CLASS, 'super.users': 'User:admin', ...(opts.config ?? {}) },
    security: { protocol: 'SASL_PLAINTEXT', users: AUTHZ_USERS },
  });
  const clients: RawClient[] = [];
  const add = (permissionType: number) => (principal: string, operation: number, resourceType: number, resourceName: string, patternType: number = PatternType.LITERAL) => {
    const b: AclBinding = { resourceType, resourceName, patternType, principal, host: '*', operation, permissionType };
    const [r] = broker.cluster.authorizer!.createAcls([b]);
    if (r.error) throw new Error(r.message);
  };
  const stop = broker.stop.bind(broker);
  return Object.assign(broker, {
    async connectAs(user: string, node = 0) {
      const u = AUTHZ_USERS.find((x) => x.name === user);
      if (!u) throw new Error(`no user ${user}`);
      const address = broker.bootstrap.split(',')[node];
      const c = await RawClient.connect(address);
      clients.push(c);
      const hs = await c.request(17, 1, { mechanism: 'PLAIN' });
      if (hs.errorCode !== 0) throw new Error(`SaslHandshake: error ${hs.errorCode}`);
      const auth = await c.request(36, 2, { authBytes: Buffer.from(`\u0000${u.name}\u0000${u.password}`) });
      if (auth.errorCode !== 0) throw new Error(`SaslAuthenticate: ${auth.errorMessage}`);
      return c;
    },
    allow: add(PermissionType.ALLOW),
    deny: add(PermissionType.DENY),
    async stop(keepData?: boolean) {
      for (const c of clients) c.close();
      await stop(keepData);
    },
  });
}
