/**
 * What the extension hands to its other parts (the .kafka editor, webviews) and returns from activate() for tests
 * and other extensions: the broker on demand, its state and its events.
 */
import type { BrokerApi, BrokerEvent } from '../broker/api';
import type { BrokerState } from './broker-lifecycle';
import type { SchemaSerde } from '../schemas/schema-serde';

export interface TributaryApi {
  /** The running broker, started on first need; undefined when it cannot run here (the user has been told why). */
  broker(): Promise<BrokerApi | undefined>;
  state(): BrokerState;
  onState(listener: (state: BrokerState) => void): () => void;
  /** The schema registry of the cluster shown, to decode and encode values in its wire format; undefined when there is none. */
  schemas(): Promise<SchemaSerde | undefined>;
  /** The broker's events (topics, appends, groups, nodes, log lines), across restarts. */
  onEvent(listener: (event: BrokerEvent) => void): () => void;
}
