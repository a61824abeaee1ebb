/**
 * The message protocol between the extension host and the broker's worker thread, shared by both sides so that a
 * method's parameters and result are checked by the compiler at each end.
 *
 * host -> worker: `request` (an API method and its arguments) and `shutdown`.
 * worker -> host: `ready` or `startFailed` once, then `response` to each request (matched by id) and `event`s.
 * Everything is plain data: errors cross as RemoteError and are rebuilt as BrokerError on the other side.
 */
import type { BrokerApi, BrokerEvent, BrokerMethod, BrokerServiceOptions, BrokerStatus, StartFailure } from './api';

export type MethodParams<M extends BrokerMethod> = Parameters<BrokerApi[M]>;
export type MethodResult<M extends BrokerMethod> = Awaited<ReturnType<BrokerApi[M]>>;

/**
 * Every API method, as data: the worker answers only these. A Record over BrokerMethod makes the compiler insist
 * that a method added to BrokerApi is listed here too.
 */
const METHODS: Record<BrokerMethod, true> = {
  status: true,
  listTopics: true,
  describeTopic: true,
  createTopic: true,
  deleteTopic: true,
  addPartitions: true,
  getTopicConfigs: true,
  setTopicConfigs: true,
  produce: true,
  consume: true,
  listGroups: true,
  describeGroup: true,
  planReset: true,
  resetOffsets: true,
  deleteGroup: true,
  rebalanceHistory: true,
  replication: true,
  electionHistory: true,
  stopNode: true,
  startNode: true,
  setFault: true,
  electLeaders: true,
  connectedClients: true,
  describeAcls: true,
  createAcls: true,
  deleteAcls: true,
  clientQuotas: true,
  listTransactions: true,
  abortTransaction: true,
  reassignPartition: true,
};

export const BROKER_METHODS = Object.keys(METHODS) as BrokerMethod[];

export function isBrokerMethod(name: unknown): name is BrokerMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** Given to the worker as its workerData. */
export type WorkerInit =
  | { kind: 'broker'; options: BrokerServiceOptions }
  /** A one-off `tributary dump-log` of one file, its lines sent back in chunks (see src/clusters/segment-dump.ts). */
  | { kind: 'dump-log'; file: string; printData: boolean; maxLines: number };

export type RpcRequest = { [M in BrokerMethod]: { type: 'request'; id: number; method: M; params: MethodParams<M> } }[BrokerMethod];

export type HostToWorker = RpcRequest | { type: 'shutdown'; id: number };

/** An error as it crosses the thread boundary. */
interface RemoteError {
  name: string;
  message: string;
  /** Kafka's error name (UNKNOWN_TOPIC_OR_PARTITION, NON_EMPTY_GROUP...), when the broker answered with one. */
  kafkaError?: string;
  stack?: string;
}

export type WorkerToHost =
  | { type: 'ready'; status: BrokerStatus }
  | { type: 'startFailed'; failure: StartFailure }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: RemoteError }
  | { type: 'event'; event: BrokerEvent }
  /** After `shutdown`: the broker has stopped cleanly and the worker is about to end. */
  | { type: 'stopped'; id: number };

/** Messages of the dump-log job. */
export type DumpToHost = { type: 'lines'; lines: string[] } | { type: 'done'; exitCode: number; truncated: boolean } | { type: 'failed'; error: RemoteError };

/** Runs one API request against a broker and returns its response message (worker threads and the control socket). */
export async function answerRequest(api: BrokerApi, m: RpcRequest): Promise<WorkerToHost> {
  if (!isBrokerMethod(m.method)) return { type: 'response', id: m.id, ok: false, error: { name: 'Error', message: `Unknown broker method ${String(m.method)}` } };
  try {
    // The method is one of BrokerApi's (checked above); its arguments were typed by the caller's call().
    const fn = api[m.method] as (...args: unknown[]) => Promise<unknown>;
    return { type: 'response', id: m.id, ok: true, result: await fn.apply(api, m.params as unknown[]) };
  } catch (e) {
    return { type: 'response', id: m.id, ok: false, error: toRemoteError(e) };
  }
}

export function toRemoteError(e: unknown): RemoteError {
  if (e instanceof Error) {
    const kafkaError = (e as { errorName?: unknown }).errorName;
    return { name: e.name, message: e.message, stack: e.stack, ...(typeof kafkaError === 'string' ? { kafkaError } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** An error the broker raised, rebuilt on the caller's side with its Kafka error name. */
export class BrokerError extends Error {
  readonly kafkaError: string | undefined;
  readonly remoteName: string;

  constructor(remote: RemoteError) {
    super(remote.message);
    this.name = 'BrokerError';
    this.kafkaError = remote.kafkaError;
    this.remoteName = remote.name;
    if (remote.stack) this.stack = `${this.name}: ${remote.message}\n    (in the broker worker)\n${remote.stack.split('\n').slice(1).join('\n')}`;
  }
}

/** The Kafka error name of anything a broker API call threw (in-process KafkaError or BrokerError from the worker). */
export function kafkaErrorOf(e: unknown): string | undefined {
  const name = (e as { kafkaError?: unknown; errorName?: unknown } | undefined)?.kafkaError ?? (e as { errorName?: unknown } | undefined)?.errorName;
  return typeof name === 'string' ? name : undefined;
}
