import type { ConsumerGroupState } from './consumer-groups.js';
import type { SyncEnvelope } from './events.js';

/** Where the auth server's outbox relay puts events. Resolves once the event is durable there. */
export interface SyncPublisher {
  publish(envelope: SyncEnvelope): Promise<void>;
  /** Optional: start whatever publish() will need for these envelopes at once (e.g. signing a batch). */
  prepare?(envelopes: readonly SyncEnvelope[]): void;
  /**
   * Optional: the seq of the newest event the destination ever took (a stream's last generated
   * id), or null when it holds none (it does not exist, or a consumer group created it empty).
   * Lower than what the relay marked published means the destination lost events (a failover
   * with asynchronous replication, a restore from an older copy): the relay publishes them again.
   */
  lastSeqTaken?(): Promise<number | null>;
  /** Optional: every consumer group of the destination (a resource-server instance each), for the dashboard. */
  consumerGroups?(): Promise<ConsumerGroupState[]>;
  /**
   * Optional: removes a group whose consumers have all been idle at least `idleMs` (an instance
   * gone for good); true when it did. The in-process bus has none: its groups live and die with
   * the one process that holds both apps.
   */
  destroyIdleConsumerGroup?(group: string, idleMs: number): Promise<boolean>;
  /**
   * Optional: for each group named (those without consumers now), how long (ms) it has been seen
   * without consumers, from the first call that named it; nothing else tells such a group's age.
   * Kept beside the groups, so that it outlives the caller; a group no longer named (it gained a
   * consumer, or is gone) is forgotten, and starts again from 0 if it is named later.
   */
  timeWithoutConsumers?(groups: readonly string[]): Promise<Map<string, number>>;
  /** Optional: removes a group that still has no consumer (checked again first); true when it did. */
  destroyGroupWithoutConsumers?(group: string): Promise<boolean>;
  close(): Promise<void>;
}
