/**
 * What a request handler sees and returns. One handler file per API key under handlers/, each saying which
 * versions it serves; ApiVersions advertises exactly those ranges.
 */
import type { ApiMessageTypes } from '../messages';
import type { RequestHeader } from '../codec';
import type { Cluster } from '../../broker/cluster';
import type { Logger } from '../../broker/logger';
import type { SecurityProtocol } from '../../broker/api';
import type { CredentialStore } from '../../broker/security/credential-store';
import type { SaslAuthenticator } from './sasl-authenticator';
import type { QuotaManagers } from '../../broker/quota/quota-managers';

export interface ListenerInfo {
  nodeId: number;
  host: string;
  port: number;
  securityProtocol: SecurityProtocol;
}

/** What handlers may ask of the server they run in. */
import type { ClientRegistry } from './client-registry';

export interface ServerView {
  readonly cluster: Cluster;
  readonly logger: Logger;
  /** SASL users and their credentials (SCRAM credentials can change at run time). */
  readonly credentials: CredentialStore;
  /** Where each node listens, as advertised in metadata. */
  listeners(): ListenerInfo[];
  /** The ranges this server advertises (ApiVersions). */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
  /** Who connects, and with which request versions (the Kafka 4 upgrade check). */
  readonly clients: ClientRegistry;
  /** A node's client quotas (each node measures its own clients, as each Kafka broker does). */
  quotas(nodeId: number): QuotaManagers;
}

export interface RequestContext {
  readonly server: ServerView;
  readonly cluster: Cluster;
  /** The virtual node whose listener received the request. */
  readonly nodeId: number;
  readonly header: RequestHeader;
  /** Kafka's name of the request's API (Produce, Metadata...), for log lines. */
  readonly apiName: string;
  readonly apiVersion: number;
  readonly clientHost: string;
  /** Kafka's principal of the connection (`User:alice`, `User:ANONYMOUS`): what the authorizer checks. */
  readonly principal: string;
  readonly connectionId: string;
  /** Resolves when the connection closes, so that a long-poll stops waiting for a client that left. */
  readonly closed: Promise<void>;
  /** The connection's SASL state on a SASL listener; undefined on PLAINTEXT and SSL listeners. */
  readonly sasl?: SaslAuthenticator;
  /** The receiving node's client quotas, for the handlers that check their own (Fetch caps and throttles its answer). */
  readonly quotas: QuotaManagers;
  /** The principal's name as client quotas know it (alice for User:alice). */
  readonly quotaUser: string;
  /** Closes this connection after the responses already queued (Kafka's reaction to a failed acks=0 produce). */
  closeConnection(reason: string): void;
}

type ApiKeyNumber = keyof ApiMessageTypes;

export interface ApiHandler<K extends ApiKeyNumber = ApiKeyNumber> {
  readonly apiKey: K;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The versions advertised, when wider than served (Produce 0 as Kafka 4 advertises it). */
  readonly advertisedMinVersion?: number;
  /** The response, or undefined for no response at all (Produce with acks=0). */
  handle(ctx: RequestContext, request: ApiMessageTypes[K]['request']): ApiMessageTypes[K]['response'] | undefined | Promise<ApiMessageTypes[K]['response'] | undefined>;
}

/** Declares a handler with its request and response types checked against the generated codecs. */
export function defineHandler<K extends ApiKeyNumber>(h: ApiHandler<K>): ApiHandler<K> {
  return h;
}
