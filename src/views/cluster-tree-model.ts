/**
 * What the sidebar shows and when it changes, without VS Code: children are fetched lazily per level (the root asks
 * for one topic list, never one call per topic; a topic is described only when expanded), answers are cached until
 * an event or a file change says they are stale, and change notifications are throttled (the first at once) and aimed at the nodes
 * concerned. Node objects keep their identity across refreshes (VS Code tracks tree elements by object), updated in
 * place.
 */
import type { AclBinding, AclBindingFilter, BrokerEvent, ClientQuotasView, ClientView, TransactionView, ClusterReader, GroupDescription, GroupSummary, TopicDescription, TopicSummary } from '../broker/api';
import { Listeners } from '../shared/listeners';
import { Throttle } from '../shared/throttle';
import { AclOperation, ResourceType } from '../broker/security/acl-operations';
import { PatternType, PermissionType, filterMatches } from '../broker/security/acl-binding';
import {
  TreeNode,
  aclKey,
  aclNode,
  aclsSectionNode,
  assignmentNodes,
  clientApiNodes,
  clientKey,
  clientNode,
  clientsSectionNode,
  brokerNode,
  clusterNode,
  fileNode,
  groupNode,
  groupsSectionNode,
  infoNode,
  memberNode,
  membersSectionNode,
  nodeId,
  offsetNode,
  offsetsSectionNode,
  partitionFiles,
  partitionNode,
  quotaEntityLabel,
  quotaNode,
  quotaUsageNode,
  quotasSectionNode,
  transactionNode,
  transactionPartitionNodes,
  transactionsSectionNode,
  sortTopics,
  topicNode,
  topicsSectionNode,
} from './tree-nodes';
import type { SchemaRegistryClient } from '../schemas/registry-client';
import { topicSubjects, type SubjectNameStrategy } from '../schemas/subject-names';
import { SchemaTreeData } from './schema-tree-data';
import { noSubjectsNode, registryUnavailableNode, schemaVersionNode, schemasSectionNode, subjectNode, topicSchemasNode } from './schema-nodes';

/** Where the tree's data comes from right now. */
export interface TreeSource {
  reader: ClusterReader;
  /** Set when the data directory is read from disk because this process owns it. */
  ownerPid?: number;
  /** Who that process is, when its lock says ("tributary start"). */
  owner?: string;
  /** The embedded broker's clients (the Kafka 4 upgrade check); absent for other sources. */
  clients?: () => Promise<ClientView[]>;
  /** The cluster's ACLs (DescribeAcls); failing with SECURITY_DISABLED when it has no authorizer: no ACL nodes then. */
  acls?: (filter: AclBindingFilter) => Promise<AclBinding[]>;
  /** The client quotas set and, on the embedded broker, their rates and throttling; the section shows when any is set. */
  quotas?: () => Promise<ClientQuotasView>;
  /** The transactional ids the coordinators know (the embedded broker). */
  transactions?: () => Promise<TransactionView[]>;
  /** The cluster's schema registry: undefined (or absent) when it has none, and then there is no Schemas section. */
  schemas?: () => Promise<SchemaRegistryClient | undefined>;
  /** How the cluster's serializers name subjects, which says a topic's subjects; default TopicNameStrategy. */
  subjectNameStrategy?: SubjectNameStrategy;
}

/** The registry to read, or why there is none to read although the cluster has one (its endpoint failed). */
type RegistryAccess = { client: SchemaRegistryClient } | { problem: string };

const EVERY_ACL: AclBindingFilter = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: PermissionType.ANY };

/** The ACLs that apply to one resource, as the authorizer finds them (DescribeAcls's MATCH). */
function applying(acls: readonly AclBinding[], resourceType: number, resourceName: string): AclBinding[] {
  return acls.filter((a) => filterMatches({ ...EVERY_ACL, resourceType, resourceName, patternType: PatternType.MATCH }, a));
}

const ROOT = '';
const ID = {
  cluster: nodeId('cluster'),
  topics: nodeId('topics'),
  groups: nodeId('groups'),
  clients: nodeId('clients'),
  acls: nodeId('acls'),
  quotas: nodeId('quotas'),
  transactions: nodeId('transactions'),
  schemas: nodeId('schemas'),
};

/** More pending nodes than this and one refresh of the whole tree is cheaper. */
const MAX_TARGETED = 50;

export class ClusterTreeModel {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly childIds = new Map<string, string[]>();
  private topics: Promise<TopicSummary[]> | undefined;
  private readonly topicDescriptions = new Map<string, Promise<TopicDescription>>();
  private groups: Promise<GroupSummary[]> | undefined;
  private readonly groupDescriptions = new Map<string, Promise<GroupDescription>>();
  /** Every ACL, or null when the cluster has no authorizer. */
  private aclList: Promise<AclBinding[] | null> | undefined;
  private readonly schemaData = new SchemaTreeData();
  /** Told whether the shown cluster has an authorizer, each time the ACLs are read (menus offer Add ACL then). */
  onAuthorizer: ((enabled: boolean) => void) | undefined;
  private readonly changes = new Listeners<TreeNode | undefined>();
  private pending = new Set<string>();
  private readonly refresh: Throttle;

  constructor(
    private readonly source: () => TreeSource | undefined,
    /** A change shows at once; while changes keep coming, one refresh per this many ms carries them all. */
    windowMs = 100,
  ) {
    this.refresh = new Throttle(windowMs, () => this.flush());
  }

  /** A node to refresh (with its children), or undefined for the whole tree. */
  onDidChange(listener: (node: TreeNode | undefined) => void): () => void {
    return this.changes.add(listener);
  }

  /** The node with this id, if it has been shown. */
  node(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  // -- children -----------------------------------------------------------------------------------------------

  async children(parent?: TreeNode): Promise<TreeNode[]> {
    const src = this.source();
    if (!src) return this.adopt(ROOT, []); // nothing to show: the view's welcome content says why
    try {
      return this.adopt(parent?.id ?? ROOT, await this.build(src, parent));
    } catch (e) {
      return this.adopt(parent?.id ?? ROOT, [this.make(nodeId(parent?.id ?? ROOT, 'error'), infoNode(`Could not read: ${(e as Error).message}`, (e as Error).message, 'error'))]);
    }
  }

  private async build(src: TreeSource, parent: TreeNode | undefined): Promise<TreeNode[]> {
    const reader = src.reader;
    if (!parent) {
      const status = await reader.status();
      const topics = await this.topicList(reader);
      const groups = src.ownerPid === undefined ? await this.groupList(reader) : undefined;
      const sections = [
        this.make(ID.cluster, clusterNode({ status, ownerPid: src.ownerPid, owner: src.owner })),
        this.make(ID.topics, topicsSectionNode(topics.length)),
        this.make(ID.groups, groupsSectionNode(groups?.length)),
      ];
      // Not read here: a slow or unreachable registry must not hold the root back; its subjects load when expanded.
      const registry = await this.registry(src);
      if (registry) sections.push(this.make(ID.schemas, 'client' in registry ? schemasSectionNode(registry.client.url) : schemasSectionNode(undefined, registry.problem)));
      // The clients are asked afresh at each look: requests come without events.
      if (src.clients) sections.push(this.make(ID.clients, clientsSectionNode(await src.clients())));
      // Transactions and quota rates change without events too: asked afresh at each look.
      if (src.transactions) sections.push(this.make(ID.transactions, transactionsSectionNode(await src.transactions())));
      if (src.quotas) {
        const quotas = await src.quotas();
        if (quotas.quotas.length || quotas.usage.length) sections.push(this.make(ID.quotas, quotasSectionNode(quotas)));
      }
      const acls = await this.acls(src);
      if (acls) sections.push(this.make(ID.acls, aclsSectionNode(acls)));
      return sections;
    }
    const ref = parent.ref;
    switch (ref.kind) {
      case 'cluster': {
        const status = await reader.status();
        // An external cluster's brokers are not ours to stop: shown like a read-only directory's.
        return status.nodes.map((n) => this.make(nodeId('node', n.id), brokerNode(n, src.ownerPid !== undefined || status.connection !== undefined)));
      }
      case 'topics': {
        const topics = sortTopics(await this.topicList(reader));
        if (topics.length === 0) return [this.make(nodeId('topics', 'empty'), infoNode('No topics yet', 'Create one from the view\'s menu, or produce to a new topic with any Kafka client.'))];
        return topics.map((t) => this.make(nodeId('topic', t.name), topicNode(t)));
      }
      case 'topic': {
        const d = await this.topicDescription(reader, ref.topic);
        const partitions = d.partitions.map((p) => this.make(nodeId('partition', ref.topic, p.partition), partitionNode(ref.topic, p)));
        const sections: TreeNode[] = [];
        const acls = await this.acls(src);
        if (acls) {
          const resource = { resourceType: ResourceType.TOPIC, resourceName: ref.topic };
          sections.push(this.make(nodeId('acls', 'topic', ref.topic), aclsSectionNode(applying(acls, resource.resourceType, resource.resourceName), resource)));
        }
        const subjects = ref.internal ? [] : await this.topicSubjects(src, ref.topic);
        if (subjects.length) sections.push(this.make(nodeId('schemas', 'topic', ref.topic), topicSchemasNode(ref.topic, subjects, src.subjectNameStrategy ?? 'TopicNameStrategy')));
        return [...sections, ...partitions];
      }
      case 'partition': {
        const d = await this.topicDescription(reader, ref.topic);
        const p = d.partitions[ref.partition];
        if (!p) return [];
        const files = partitionFiles(p);
        if (files.length === 0 && !p.dir) {
          return [
            this.make(
              nodeId('files', ref.topic, ref.partition, 'remote'),
              infoNode("Segment files are on the cluster's brokers", "The segment inspector reads log files on this machine: the embedded broker's, or a Kafka log directory opened with Tributary: Open Segment Inspector."),
            ),
          ];
        }
        if (files.length === 0) return [this.make(nodeId('files', ref.topic, ref.partition, 'empty'), infoNode('No files', p.dir))];
        return files.map(({ file, baseOffset }) => this.make(nodeId('file', file.path), fileNode(ref.topic, ref.partition, file, baseOffset)));
      }
      case 'groups': {
        if (src.ownerPid !== undefined) return [this.make(nodeId('groups', 'readOnly'), infoNode('Groups are shown while the broker runs here', 'The consumer groups live in the broker process that owns the data directory.'))];
        const groups = await this.groupList(reader);
        if (groups.length === 0) return [this.make(nodeId('groups', 'empty'), infoNode('No consumer groups yet', 'Groups appear when a consumer joins one or commits offsets.'))];
        return groups.map((g) => this.make(nodeId('group', g.groupId), groupNode(g)));
      }
      case 'group': {
        const d = await this.groupDescription(reader, ref.groupId);
        const sections = [this.make(nodeId('members', ref.groupId), membersSectionNode(d)), this.make(nodeId('offsets', ref.groupId), offsetsSectionNode(d))];
        const acls = await this.acls(src);
        if (!acls) return sections;
        const resource = { resourceType: ResourceType.GROUP, resourceName: ref.groupId };
        return [...sections, this.make(nodeId('acls', 'group', ref.groupId), aclsSectionNode(applying(acls, resource.resourceType, resource.resourceName), resource))];
      }
      case 'members': {
        const d = await this.groupDescription(reader, ref.groupId);
        return d.members.map((m) => this.make(nodeId('member', ref.groupId, m.memberId), memberNode(ref.groupId, m)));
      }
      case 'member': {
        const d = await this.groupDescription(reader, ref.groupId);
        const m = d.members.find((x) => x.memberId === ref.memberId);
        if (!m) return [];
        return assignmentNodes(ref.groupId, m).map((a) => this.make(nodeId('assignment', ref.groupId, ref.memberId, a.label), a));
      }
      case 'offsets': {
        const d = await this.groupDescription(reader, ref.groupId);
        return d.offsets.map((o) => this.make(nodeId('offset', ref.groupId, o.topic, o.partition), offsetNode(ref.groupId, o)));
      }
      case 'clients': {
        const clients = (await src.clients?.()) ?? [];
        if (clients.length === 0) return [this.make(nodeId('clients', 'empty'), infoNode('No client has connected yet', 'Clients appear here when they send their first request.'))];
        return clients.map((c) => this.make(nodeId('client', clientKey(c)), clientNode(c)));
      }
      case 'acls': {
        const acls = (await this.acls(src)) ?? [];
        const shown = ref.resourceType === undefined ? acls : applying(acls, ref.resourceType, ref.resourceName ?? '');
        const scope = ref.resourceType === undefined ? 'all' : `${ref.resourceType}:${ref.resourceName}`;
        return shown.map((b) => this.make(nodeId('acl', scope, aclKey(b)), aclNode(b, ref.resourceName)));
      }
      case 'quotas': {
        const view = (await src.quotas?.()) ?? { quotas: [], usage: [] };
        const entities = view.quotas.map((q) => this.make(nodeId('quota', quotaEntityLabel(q.entity)), quotaNode(q)));
        const usage = view.usage.map((u) => this.make(nodeId('quotaUsage', u.nodeId, u.type, u.user, u.clientId), quotaUsageNode(u)));
        return [...entities, ...usage];
      }
      case 'transactions': {
        const txns = (await src.transactions?.()) ?? [];
        return txns.map((t) => this.make(nodeId('transaction', t.transactionalId), transactionNode(t)));
      }
      case 'transaction': {
        const t = (await src.transactions?.())?.find((x) => x.transactionalId === ref.transactionalId);
        return t ? transactionPartitionNodes(t).map((n) => this.make(nodeId('transaction', t.transactionalId, n.label), n)) : [];
      }
      case 'schemas': {
        const registry = await this.registry(src);
        if (!registry) return [];
        const unavailable = (url: string | undefined, message: string) => [this.make(nodeId('schemas', 'unavailable'), registryUnavailableNode(url, message))];
        if (!('client' in registry)) return unavailable(undefined, registry.problem);
        let subjects: string[];
        try {
          subjects = await this.schemaData.subjects(registry.client);
        } catch (e) {
          return unavailable(registry.client.url, (e as Error).message);
        }
        if (subjects.length === 0) return [this.make(nodeId('schemas', 'empty'), noSubjectsNode())];
        const summaries = await this.schemaData.summaries(registry.client, subjects);
        return summaries.map((x) => this.make(nodeId('subject', '', x.subject), subjectNode(x)));
      }
      case 'topicSchemas': {
        const registry = await this.registry(src);
        if (!registry || !('client' in registry)) return [];
        const summaries = await this.schemaData.summaries(registry.client, await this.topicSubjects(src, ref.topic));
        return summaries.map((x) => this.make(nodeId('subject', ref.topic, x.subject), subjectNode(x, ref.topic)));
      }
      case 'subject': {
        const registry = await this.registry(src);
        if (!registry || !('client' in registry)) return [];
        const versions = await this.schemaData.versions(registry.client, ref.subject);
        return versions.map((v, i) => this.make(nodeId('schemaVersion', ref.inTopic ?? '', ref.subject, v.version), schemaVersionNode(v, versions[i + 1]?.version, i === 0, ref.inTopic)));
      }
      case 'client': {
        const c = (await src.clients?.())?.find((x) => clientKey(x) === ref.key);
        return c ? clientApiNodes(c).map((a) => this.make(nodeId('clientApi', ref.key, a.label), a)) : [];
      }
      default:
        return [];
    }
  }

  /** The node with this id, updated in place when it already exists (VS Code knows elements by identity). */
  private make(id: string, fields: Omit<TreeNode, 'id'>): TreeNode {
    const existing = this.nodes.get(id);
    if (existing) {
      // Optional fields absent from the new build must not linger from the old one.
      const target = existing as unknown as Record<string, unknown>;
      for (const k of Object.keys(target)) if (k !== 'id' && !(k in fields)) delete target[k];
      Object.assign(existing, fields);
      return existing;
    }
    const node: TreeNode = { id, ...fields };
    this.nodes.set(id, node);
    return node;
  }

  /** Records a parent's children and forgets the nodes it no longer has (and theirs). */
  private adopt(parentId: string, children: TreeNode[]): TreeNode[] {
    const now = new Set(children.map((c) => c.id));
    for (const old of this.childIds.get(parentId) ?? []) if (!now.has(old)) this.forget(old);
    this.childIds.set(parentId, [...now]);
    return children;
  }

  private forget(id: string): void {
    for (const c of this.childIds.get(id) ?? []) this.forget(c);
    this.childIds.delete(id);
    this.nodes.delete(id);
  }

  // -- cached answers -----------------------------------------------------------------------------------------

  private cached<T>(get: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, load: () => Promise<T>): Promise<T> {
    let p = get();
    if (!p) {
      p = load();
      set(p);
      // A failure is not cached: the next look tries again.
      p.catch(() => {
        if (get() === p) set(undefined);
      });
    }
    return p;
  }

  /** Every ACL once per refresh; null where DescribeAcls says there is no authorizer (or the source has no ACLs). */
  private acls(src: TreeSource): Promise<AclBinding[] | null> {
    const ask = src.acls;
    if (!ask) return Promise.resolve(null);
    return this.cached(
      () => this.aclList,
      (p) => {
        this.aclList = p;
      },
      () =>
        ask(EVERY_ACL).then(
          (list) => {
            this.onAuthorizer?.(true);
            return list;
          },
          (e: unknown) => {
            if ((e as { errorName?: string }).errorName === 'SECURITY_DISABLED' || /SECURITY_DISABLED|No Authorizer/i.test(String((e as Error)?.message))) {
              this.onAuthorizer?.(false);
              return null;
            }
            throw e;
          },
        ),
    );
  }

  private async registry(src: TreeSource): Promise<RegistryAccess | undefined> {
    if (!src.schemas) return undefined;
    try {
      const client = await src.schemas();
      return client ? { client } : undefined;
    } catch (e) {
      return { problem: (e as Error).message };
    }
  }

  /** The topic's subjects; none when the registry cannot be read (the root's Schemas section says why). */
  private async topicSubjects(src: TreeSource, topic: string): Promise<string[]> {
    const registry = await this.registry(src);
    if (!registry || !('client' in registry)) return [];
    try {
      return topicSubjects(topic, await this.schemaData.subjects(registry.client), src.subjectNameStrategy ?? 'TopicNameStrategy');
    } catch {
      return [];
    }
  }

  private topicList(reader: ClusterReader): Promise<TopicSummary[]> {
    return this.cached(() => this.topics, (p) => { this.topics = p; }, () => reader.listTopics());
  }

  private groupList(reader: ClusterReader): Promise<GroupSummary[]> {
    return this.cached(() => this.groups, (p) => { this.groups = p; }, () => reader.listGroups());
  }

  private topicDescription(reader: ClusterReader, topic: string): Promise<TopicDescription> {
    const m = this.topicDescriptions;
    return this.cached(() => m.get(topic), (p) => (p ? m.set(topic, p) : m.delete(topic)), () => reader.describeTopic(topic));
  }

  private groupDescription(reader: ClusterReader, groupId: string): Promise<GroupDescription> {
    const m = this.groupDescriptions;
    return this.cached(() => m.get(groupId), (p) => (p ? m.set(groupId, p) : m.delete(groupId)), () => reader.describeGroup(groupId));
  }

  // -- invalidation -------------------------------------------------------------------------------------------

  /**
   * Marks what an event makes stale and schedules a refresh of the nodes showing it. Changes to topics, groups or
   * nodes also change the counts on the root's section lines, so they refresh from the root (expanded levels answer
   * from the cache); appends refresh only the expanded topics they touch, and the groups whose lag they move.
   */
  handleEvent(e: BrokerEvent): void {
    // Any activity may come with a new client or a new request version; the list is asked afresh if shown.
    if (e.type !== 'log') {
      this.schedule(ID.clients);
      // Quota rates and transactions move with the traffic that comes with any event.
      this.schedule(ID.quotas);
      this.schedule(ID.transactions);
    }
    switch (e.type) {
      case 'topicCreated':
      case 'topicDeleted':
      case 'topicChanged':
        this.topics = undefined;
        this.topicDescriptions.delete(e.topic);
        this.schedule(ROOT);
        return;
      case 'partitionsAppended': {
        const topics = new Set(e.partitions.map((p) => p.topic));
        // A transaction began, moved or ended, or traffic moved a quota's rate: the counts on the root lines change
        // with it (throttled like every refresh).
        if ((topics.has('__transaction_state') && this.nodes.has(ID.transactions)) || this.nodes.has(ID.quotas)) this.schedule(ROOT);
        for (const t of topics) {
          // Only described (expanded) topics show offsets; the others have nothing to refresh.
          if (this.topicDescriptions.delete(t)) this.schedule(nodeId('topic', t));
        }
        // Lag follows the end offsets of the topics a group reads.
        const groups = this.groups;
        void groups?.then((list) => {
          const affected = list.filter((g) => g.topics.some((t) => topics.has(t)));
          if (affected.length === 0 || this.groups !== groups) return;
          this.groups = undefined;
          for (const g of affected) this.groupDescriptions.delete(g.groupId);
          this.schedule(ID.groups);
        }, () => undefined);
        return;
      }
      case 'groupChanged':
        this.groups = undefined;
        this.groupDescriptions.delete(e.groupId);
        this.schedule(ROOT);
        return;
      case 'nodeChanged':
        this.schedule(ROOT);
        return;
      case 'quotasChanged':
        this.schedule(ROOT);
        return;
      case 'aclsChanged':
        // Counts on the root's section and under every expanded topic and group: the whole tree, from the cache.
        this.aclList = undefined;
        this.schedule(ROOT);
        return;
      case 'log':
        return;
    }
  }

  /** Everything is stale (the broker started or stopped, files changed on disk): refresh the whole tree. */
  invalidateAll(): void {
    this.topics = undefined;
    this.groups = undefined;
    this.topicDescriptions.clear();
    this.groupDescriptions.clear();
    this.aclList = undefined;
    this.schemaData.clear();
    this.schedule(ROOT);
  }

  /** The registry changed (a schema registered): it is read again, from the root (a topic may gain its Schemas). */
  invalidateSchemas(): void {
    this.schemaData.clear();
    this.schedule(ROOT);
  }

  /** The shown cluster's schema registry, for the commands acting on it; undefined when it has none. */
  async schemaRegistry(): Promise<SchemaRegistryClient | undefined> {
    return this.source()?.schemas?.();
  }

  private schedule(id: string): void {
    this.pending.add(id);
    this.refresh.schedule();
  }

  /** Sends the pending refreshes now (tests; and the throttle). */
  flush(): void {
    const ids = [...this.pending];
    const all = this.pending.has(ROOT) || ids.length > MAX_TARGETED;
    this.pending.clear();
    if (all) {
      this.changes.fire(undefined);
      return;
    }
    // A node never shown needs no refresh; its parent's counts come with the root's next look.
    for (const id of ids) {
      const n = this.nodes.get(id);
      if (n) this.changes.fire(n);
    }
  }

  dispose(): void {
    this.refresh.dispose();
    this.changes.clear();
  }
}
