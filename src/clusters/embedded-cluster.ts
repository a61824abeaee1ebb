/**
 * The embedded broker as the extension host sees it: a worker thread (dist/worker.js) running a BrokerService,
 * reached through the typed RPC of src/broker/rpc.ts. Exposes the same BrokerApi as promises, forwards the broker's
 * events, gives every call a time limit, and turns a failed start into a StartFailure with its cause.
 *
 * Why a worker: the broker's storage work is synchronous (appends, index lookups, recovery, cleaning); in the
 * extension host it would freeze every other extension while a client produces.
 */
import { Worker } from 'node:worker_threads';
import type {
  ElectionRecord,
  BrokerApi,
  ClientQuotasView,
  TransactionView,
  BrokerEvent,
  BrokerEventSource,
  BrokerMethod,
  BrokerServiceOptions,
  BrokerStatus,
  ConsumeRequest,
  ConsumeResult,
  CreateTopicRequest,
  ElectionResult,
  FaultChange,
  FaultState,
  ReplicationView,
  GroupDescription,
  GroupSummary,
  ProduceRequest,
  ProduceResult,
  RebalanceRecord,
  ResetOffsetsRequest,
  ResetPlanRow,
  StartFailure,
  TopicConfigEntry,
  TopicDescription,
  TopicSummary,
  ClientView,
} from '../broker/api';
import { BrokerError, MethodParams, MethodResult, RpcRequest, WorkerInit, WorkerToHost } from '../broker/rpc';
import { BrokerStartError } from '../broker/start-failure';
import type { AclBinding, AclBindingFilter } from '../broker/security/acl-binding';
import { Listeners } from '../shared/listeners';

export interface EmbeddedClusterOptions {
  /** Absolute path of the bundled worker (the extension's dist/worker.js). */
  workerPath: string;
  broker: BrokerServiceOptions;
  /** Longest wait for one API call; default 30 s. */
  callTimeoutMs?: number;
  /** Longest wait for the broker to start (log recovery after a crash can take a while); default 120 s. */
  startTimeoutMs?: number;
  /** Longest wait for a clean shutdown before the worker is terminated; default 15 s. */
  stopTimeoutMs?: number;
}

export type EmbeddedClusterState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** How the worker ended: asked to (`expected`), or not (a crash: the error, or an exit code). */
export interface WorkerExit {
  expected: boolean;
  code: number;
  error?: string;
}

interface Pending {
  method: BrokerMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class EmbeddedCluster implements BrokerApi, BrokerEventSource {
  private worker: Worker | undefined;
  private _state: EmbeddedClusterState = 'new';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new Listeners<BrokerEvent>();
  private readonly exits = new Listeners<WorkerExit>();
  private startPromise: Promise<BrokerStatus> | undefined;
  private stopPromise: Promise<void> | undefined;
  private exited: Promise<void> | undefined;
  private onStopped: (() => void) | undefined;

  constructor(readonly options: EmbeddedClusterOptions) {}

  get state(): EmbeddedClusterState {
    return this._state;
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.events.add(listener);
  }

  /** The worker ended; `expected` is false for a crash, after which every call fails. */
  onExit(listener: (exit: WorkerExit) => void): () => void {
    return this.exits.add(listener);
  }

  /** Starts the worker and its broker; rejects with a BrokerStartError that says why it could not. */
  start(): Promise<BrokerStatus> {
    if (!this.startPromise) this.startPromise = this.launch();
    return this.startPromise;
  }

  private launch(): Promise<BrokerStatus> {
    this._state = 'starting';
    const dataDir = this.options.broker.dataDir;
    return new Promise<BrokerStatus>((resolve, reject) => {
      let settled = false;
      const fail = (failure: StartFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this._state = 'failed';
        void this.worker?.terminate();
        reject(new BrokerStartError(failure));
      };
      const timeoutMs = this.options.startTimeoutMs ?? 120_000;
      const timer = setTimeout(() => fail({ reason: 'timeout', message: `The broker did not start within ${Math.round(timeoutMs / 1000)} s.`, dataDir }), timeoutMs);

      let worker: Worker;
      try {
        const init: WorkerInit = { kind: 'broker', options: this.options.broker };
        worker = new Worker(this.options.workerPath, { workerData: init });
      } catch (e) {
        fail({ reason: 'workerCrashed', message: `The broker worker (${this.options.workerPath}) could not be loaded: ${(e as Error).message}`, dataDir, detail: (e as Error).stack });
        return;
      }
      this.worker = worker;
      this.exited = new Promise((r) => worker.once('exit', () => r()));

      worker.on('message', (m: WorkerToHost) => {
        switch (m.type) {
          case 'ready':
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            this._state = 'running';
            resolve(m.status);
            return;
          case 'startFailed':
            fail(m.failure);
            return;
          default:
            this.onMessage(m);
        }
      });
      worker.on('error', (e: Error) => {
        if (!settled) {
          fail({ reason: 'workerCrashed', message: `The broker worker failed while starting: ${e.message}`, dataDir, detail: e.stack });
          return;
        }
        this.crashed({ expected: false, code: 1, error: e.stack ?? e.message });
      });
      worker.on('exit', (code: number) => {
        if (!settled) {
          fail({ reason: 'workerCrashed', message: `The broker worker exited with code ${code} before the broker was up.`, dataDir });
          return;
        }
        if (this._state === 'stopping' || this._state === 'stopped') {
          this.onStopped?.();
          return;
        }
        this.crashed({ expected: false, code });
      });
    });
  }

  private onMessage(m: WorkerToHost): void {
    switch (m.type) {
      case 'event':
        this.events.fire(m.event);
        return;
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return; // answered after its time limit: the caller has been told already
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(new BrokerError(m.error));
        return;
      }
      case 'stopped':
        this.onStopped?.();
        return;
    }
  }

  /** The worker ended without being asked: every call in flight fails, and listeners hear why. */
  private crashed(exit: WorkerExit): void {
    if (this._state === 'failed') return;
    this._state = 'failed';
    this.rejectAll(`The broker worker ended unexpectedly${exit.error ? `: ${exit.error.split('\n')[0]}` : ` (exit code ${exit.code})`}.`);
    this.exits.fire(exit);
  }

  private rejectAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BrokerError({ name: 'Error', message, kafkaError: 'BROKER_NOT_AVAILABLE' }));
      this.pending.delete(id);
    }
  }

  /** Shuts the broker down cleanly (logs flushed, checkpoints written, ports freed), then ends the worker. */
  stop(): Promise<void> {
    if (!this.stopPromise) this.stopPromise = this.shutdown();
    return this.stopPromise;
  }

  private async shutdown(): Promise<void> {
    if (this._state === 'new') {
      this._state = 'stopped';
      return;
    }
    if (this.startPromise) await this.startPromise.catch(() => undefined);
    const worker = this.worker;
    if (this._state !== 'running' || !worker) {
      // Failed or crashed: make sure no thread is left behind.
      await worker?.terminate();
      this._state = this._state === 'failed' ? 'failed' : 'stopped';
      return;
    }
    this._state = 'stopping';
    const timeoutMs = this.options.stopTimeoutMs ?? 15_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.onStopped = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'shutdown', id: this.nextId++ });
    });
    this.onStopped = undefined;
    this.rejectAll('The broker has stopped.');
    // The worker ends by itself once its port is closed; give it a moment, then make sure.
    let gone = false;
    await Promise.race([this.exited?.then(() => (gone = true)), new Promise((r) => setTimeout(r, 2000).unref())]);
    if (!gone) await worker.terminate();
    this._state = 'stopped';
    this.exits.fire({ expected: true, code: 0 });
  }

  /** One typed call: the method's parameters in, its result out, or a BrokerError (with Kafka's error name). */
  call<M extends BrokerMethod>(method: M, ...params: MethodParams<M>): Promise<MethodResult<M>> {
    const worker = this.worker;
    if (this._state !== 'running' || !worker) {
      return Promise.reject(new BrokerError({ name: 'Error', message: 'The broker is not running.', kafkaError: 'BROKER_NOT_AVAILABLE' }));
    }
    const id = this.nextId++;
    const timeoutMs = this.options.callTimeoutMs ?? 30_000;
    return new Promise<MethodResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BrokerError({ name: 'TimeoutError', message: `The broker did not answer ${method} within ${timeoutMs} ms.`, kafkaError: 'REQUEST_TIMED_OUT' }));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      worker.postMessage({ type: 'request', id, method, params } as RpcRequest);
    });
  }

  // The BrokerApi, one call each.
  status(): Promise<BrokerStatus> {
    return this.call('status');
  }
  listTopics(): Promise<TopicSummary[]> {
    return this.call('listTopics');
  }
  describeTopic(topic: string): Promise<TopicDescription> {
    return this.call('describeTopic', topic);
  }
  createTopic(request: CreateTopicRequest): Promise<TopicSummary> {
    return this.call('createTopic', request);
  }
  deleteTopic(topic: string): Promise<void> {
    return this.call('deleteTopic', topic);
  }
  addPartitions(topic: string, totalCount: number): Promise<TopicSummary> {
    return this.call('addPartitions', topic, totalCount);
  }
  getTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    return this.call('getTopicConfigs', topic);
  }
  setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]> {
    return this.call('setTopicConfigs', topic, changes);
  }
  produce(request: ProduceRequest): Promise<ProduceResult> {
    return this.call('produce', request);
  }
  consume(request: ConsumeRequest): Promise<ConsumeResult> {
    return this.call('consume', request);
  }
  listGroups(): Promise<GroupSummary[]> {
    return this.call('listGroups');
  }
  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.call('describeGroup', groupId);
  }
  planReset(request: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    return this.call('planReset', request);
  }
  resetOffsets(request: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    return this.call('resetOffsets', request);
  }
  deleteGroup(groupId: string): Promise<void> {
    return this.call('deleteGroup', groupId);
  }
  rebalanceHistory(groupId: string): Promise<RebalanceRecord[]> {
    return this.call('rebalanceHistory', groupId);
  }

  replication(): Promise<ReplicationView> {
    return this.call('replication');
  }

  electionHistory(): Promise<ElectionRecord[]> {
    return this.call('electionHistory');
  }

  connectedClients(): Promise<ClientView[]> {
    return this.call('connectedClients');
  }

  describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    return this.call('describeAcls', filter);
  }

  createAcls(bindings: AclBinding[]): Promise<void> {
    return this.call('createAcls', bindings);
  }

  deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[]> {
    return this.call('deleteAcls', filters);
  }

  clientQuotas(): Promise<ClientQuotasView> {
    return this.call('clientQuotas');
  }

  listTransactions(): Promise<TransactionView[]> {
    return this.call('listTransactions');
  }

  abortTransaction(transactionalId: string): Promise<void> {
    return this.call('abortTransaction', transactionalId);
  }

  reassignPartition(topic: string, partition: number, replicas: number[] | null): Promise<void> {
    return this.call('reassignPartition', topic, partition, replicas);
  }

  stopNode(nodeId: number): Promise<void> {
    return this.call('stopNode', nodeId);
  }

  startNode(nodeId: number): Promise<void> {
    return this.call('startNode', nodeId);
  }

  setFault(fault: FaultChange): Promise<FaultState> {
    return this.call('setFault', fault);
  }

  electLeaders(type: 'preferred' | 'unclean', partitions?: Array<{ topic: string; partition: number }>): Promise<ElectionResult[]> {
    return this.call('electLeaders', type, partitions);
  }
}
