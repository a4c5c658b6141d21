import type { SyncEnvelope } from './events.js';

/** Where the auth server's outbox relay puts events. Resolves once the event is durable there. */
export interface SyncPublisher {
  publish(envelope: SyncEnvelope): Promise<void>;
  /** Optional: start whatever publish() will need for these envelopes at once (e.g. signing a batch). */
  prepare?(envelopes: readonly SyncEnvelope[]): void;
  close(): Promise<void>;
}
