/**
 * Kafka's StandardAuthorizer (org.apache.kafka.metadata.authorizer), the authorizer of KRaft clusters: super users
 * may do anything; otherwise the ACLs that apply to a resource (literal name, the literal wildcard, prefixes of the
 * name) decide, a matching DENY over any ALLOW, an ALLOW of READ, WRITE, DELETE or ALTER implying DESCRIBE and one of
 * ALTER_CONFIGS implying DESCRIBE_CONFIGS; a resource no ACL applies to follows allow.everyone.if.no.acl.found.
 *
 * The ACLs live in the cluster metadata (Kafka's AccessControlEntryRecords), so every virtual node authorizes
 * against the same set the moment a change is saved, and a restart finds them.
 */
import { randomUUID } from 'node:crypto';
import { AclOperation, IMPLIES_DESCRIBE, supportedOperations, type ResourceTypeCode } from './acl-operations';
import {
  type AclBinding,
  type AclBindingFilter,
  PatternType,
  PermissionType,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  filterMatches,
  invalidFilter,
  invalidNewAcl,
  sameBinding,
} from './acl-binding';

/** Kafka's class name, the value of authorizer.class.name that turns authorization on. */
export const STANDARD_AUTHORIZER_CLASS = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

/** An ACL as the metadata keeps it: the binding and its id (AccessControlEntryRecord.Id). */
export interface StoredAcl extends AclBinding {
  id: string;
}

/** Where the ACLs are kept (the cluster metadata). */
export interface AclStore {
  acls(): readonly StoredAcl[];
  replaceAcls(acls: StoredAcl[]): void;
}

interface AuthorizerConfig {
  /** Principals (`User:admin`) allowed everything: super.users, semicolon-separated in Kafka's config. */
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
}

/** Who asks: the connection's principal and the client's address. */
export interface Session {
  principal: string;
  host: string;
}

/** What decided a check, for the authorizer log line (Kafka's MatchingRule). */
export type Rule = { kind: 'SuperUser' } | { kind: 'DefaultAllow' } | { kind: 'DefaultDeny' } | { kind: 'MatchingAcl'; acl: AclBinding };

interface Decision {
  allowed: boolean;
  rule: Rule;
}

type CreateResult = { error?: undefined } | { error: 'INVALID_REQUEST'; message: string };
type DeleteResult = { deleted: AclBinding[]; error?: undefined } | { deleted: []; error: 'INVALID_REQUEST'; message: string };

const IMPLIES_DESCRIBE_CONFIGS: readonly number[] = [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS];

export class StandardAuthorizer {
  /** The store's ACLs by resource type, rebuilt when they change (checks run on every request). */
  private byType: Map<number, StoredAcl[]> | undefined;

  constructor(
    private readonly store: AclStore,
    readonly config: AuthorizerConfig,
  ) {}

  /** Kafka's StandardAuthorizerData.authorize for one action. */
  decide(session: Session, operation: number, resourceType: number, resourceName: string): Decision {
    if (this.config.superUsers.has(session.principal)) return { allowed: true, rule: { kind: 'SuperUser' } };
    let hasResourceAcls = false;
    let allowAcl: AclBinding | undefined;
    for (const acl of this.aclsOfType(resourceType)) {
      if (!appliesTo(acl, resourceName)) continue;
      hasResourceAcls = true;
      const r = result(acl, session, operation);
      if (r === 'DENIED') return { allowed: false, rule: { kind: 'MatchingAcl', acl } };
      if (r === 'ALLOWED') allowAcl ??= acl;
    }
    if (allowAcl) return { allowed: true, rule: { kind: 'MatchingAcl', acl: allowAcl } };
    if (!hasResourceAcls && this.config.allowEveryoneIfNoAclFound) return { allowed: true, rule: { kind: 'DefaultAllow' } };
    return { allowed: false, rule: { kind: 'DefaultDeny' } };
  }

  authorize(session: Session, operation: number, resourceType: number, resourceName: string): boolean {
    return this.decide(session, operation, resourceType, resourceName).allowed;
  }

  /**
   * Whether `operation` is allowed on at least one resource of the type (Kafka's Authorizer.authorizeByResourceType,
   * used for idempotent producers without IDEMPOTENT_WRITE: WRITE on any topic will do): an ALLOW ACL for the
   * principal that no DENY ACL covers.
   */
  authorizeByResourceType(session: Session, operation: number, resourceType: number): boolean {
    // A name no ACL can be about: super users, and allow.everyone.if.no.acl.found on a type without wildcard ACLs.
    if (this.authorize(session, operation, resourceType, 'hardcode')) return true;
    const denied = { literal: new Set<string>(), prefixed: new Set<string>() };
    const allowed = { literal: new Set<string>(), prefixed: new Set<string>() };
    for (const acl of this.aclsOfType(resourceType)) {
      if (acl.principal !== session.principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.host !== WILDCARD_HOST && acl.host !== session.host) continue;
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
      const into = acl.permissionType === PermissionType.DENY ? denied : allowed;
      (acl.patternType === PatternType.PREFIXED ? into.prefixed : into.literal).add(acl.resourceName);
    }
    if (denied.literal.has(WILDCARD_RESOURCE)) return false;
    if (allowed.literal.has(WILDCARD_RESOURCE)) return true;
    const deniedByPrefix = (name: string) => [...denied.prefixed].some((p) => name.startsWith(p));
    for (const p of allowed.prefixed) if (!deniedByPrefix(p)) return true;
    for (const l of allowed.literal) if (!denied.literal.has(l) && !deniedByPrefix(l)) return true;
    return false;
  }

  /** The operations of the resource's type the session may perform on it (authorized-operations fields). */
  authorizedOperations(session: Session, resourceType: ResourceTypeCode, resourceName: string): number[] {
    return supportedOperations(resourceType).filter((op) => this.authorize(session, op, resourceType, resourceName));
  }

  /** The ACLs a DescribeAcls filter selects. */
  acls(filter: AclBindingFilter): AclBinding[] {
    return this.store.acls().filter((a) => filterMatches(filter, a)).map(bindingOf);
  }

  allAcls(): readonly StoredAcl[] {
    return this.store.acls();
  }

  /** CreateAcls: each binding validated on its own; one already present succeeds without a second copy. */
  createAcls(bindings: readonly AclBinding[]): CreateResult[] {
    const next = [...this.store.acls()];
    const results = bindings.map((b): CreateResult => {
      const invalid = invalidNewAcl(b);
      if (invalid) return { error: 'INVALID_REQUEST', message: invalid };
      if (!next.some((a) => sameBinding(a, b))) next.push({ id: randomUUID(), ...bindingOf(b) });
      return {};
    });
    if (next.length !== this.store.acls().length) this.replace(next);
    return results;
  }

  /** DeleteAcls: every ACL each filter matches goes, all filters applied at once (Kafka's atomic batch). */
  deleteAcls(filters: readonly AclBindingFilter[]): DeleteResult[] {
    const current = this.store.acls();
    const gone = new Set<string>();
    const results = filters.map((f): DeleteResult => {
      const invalid = invalidFilter(f);
      if (invalid) return { deleted: [], error: 'INVALID_REQUEST', message: invalid };
      const matched = current.filter((a) => filterMatches(f, a));
      for (const a of matched) gone.add(a.id);
      return { deleted: matched.map(bindingOf) };
    });
    if (gone.size) this.replace(current.filter((a) => !gone.has(a.id)));
    return results;
  }

  private replace(acls: StoredAcl[]): void {
    this.store.replaceAcls(acls);
    this.byType = undefined;
  }

  private aclsOfType(resourceType: number): readonly StoredAcl[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const a of this.store.acls()) {
        const list = this.byType.get(a.resourceType) ?? [];
        list.push(a);
        this.byType.set(a.resourceType, list);
      }
    }
    return this.byType.get(resourceType) ?? [];
  }
}

function bindingOf(a: AclBinding): AclBinding {
  const { resourceType, resourceName, patternType, principal, host, operation, permissionType } = a;
  return { resourceType, resourceName, patternType, principal, host, operation, permissionType };
}

/** Whether the ACL's resource pattern covers `name`: the literal name, the literal wildcard, or a prefix of it. */
function appliesTo(acl: AclBinding, name: string): boolean {
  if (acl.patternType === PatternType.LITERAL) return acl.resourceName === name || acl.resourceName === WILDCARD_RESOURCE;
  if (acl.patternType === PatternType.PREFIXED) return name.startsWith(acl.resourceName);
  return false;
}

/** Kafka's StandardAuthorizerData.findResult: undefined when the ACL is not about this principal, host or operation. */
function result(acl: AclBinding, session: Session, operation: number): 'ALLOWED' | 'DENIED' | undefined {
  if (acl.principal !== session.principal && acl.principal !== WILDCARD_PRINCIPAL) return undefined;
  if (acl.host !== WILDCARD_HOST && acl.host !== session.host) return undefined;
  if (acl.operation !== AclOperation.ALL) {
    if (acl.permissionType === PermissionType.ALLOW) {
      // Implications hold for ALLOW only: a DENY of READ does not deny DESCRIBE.
      if (operation === AclOperation.DESCRIBE) {
        if (!IMPLIES_DESCRIBE.includes(acl.operation)) return undefined;
      } else if (operation === AclOperation.DESCRIBE_CONFIGS) {
        if (!IMPLIES_DESCRIBE_CONFIGS.includes(acl.operation)) return undefined;
      } else if (operation !== acl.operation) return undefined;
    } else if (operation !== acl.operation) return undefined;
  }
  return acl.permissionType === PermissionType.ALLOW ? 'ALLOWED' : 'DENIED';
}

/** super.users as Kafka parses it: semicolon-separated principals. */
export function parseSuperUsers(value: string | null | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

