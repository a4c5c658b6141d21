import type { SyncEnvelope } from './events.js';

/** Where the auth server's outbox relay puts events. Resolves once the event is durable there. */
export interface SyncPublisher {
  publish(envelope: SyncEnvelope): Promise<void>;
  close(): Promise<void>;
}
