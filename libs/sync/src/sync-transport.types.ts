import type { DeadLetterReason } from './rejected-event.js';

/** What every sync transport reports (the resource server shows it at GET /admin/v1/sync). */
export interface SyncTransportStatus {
  transport: 'redis-streams' | 'in-process';
  /** true while the transport can read events (Redis connection ready, or always in process). */
  connected: boolean;
  /** seq of the last envelope handed to a handler that resolved (or deduped), 0 before any. */
  lastDeliveredSeq: number;
}

/** Options both transports share: how to find out what is applied and how to recover from a gap. */
export interface SyncConsumerOptions {
  /**
   * Consumer group: one per resource-server instance (e.g. `rs-<instanceId>`), so each instance
   * sees every event. A restarted instance with the same group resumes where it acked.
   */
  group: string;
  /** The last seq the resource server committed locally (0 when it holds nothing yet). */
  lastAppliedSeq: () => Promise<number>;
  /**
   * Called when events were lost (a seq was skipped, Redis restarted empty, the log no longer
   * reaches back). The resource server loads a snapshot; afterwards lastAppliedSeq() must return
   * the snapshot's seq. The transport then continues with the envelopes above it.
   */
  onGap: () => Promise<void>;
  /** An entry was refused for good and moved aside (Redis: to `<stream>:dead`); for metrics and readiness. */
  onDeadLetter?: (reason: DeadLetterReason) => void;
  /** An envelope was applied or recognised as a duplicate: the stream is healthy. */
  onAccepted?: () => void;
  /**
   * An envelope delivered again after it was applied (an ack lost to a crash, a group moved back),
   * acked without dispatch; for the dedupe metric (SECURITY-CHECKLIST F-5).
   */
  onDuplicate?: () => void;
}
