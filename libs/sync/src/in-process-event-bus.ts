import type { SyncEnvelope } from './events.js';

/** Default number of envelopes the bus keeps; a consumer further behind than this resyncs. */
export const IN_PROCESS_LOG_LIMIT = 10_000;

/**
 * The in-process stand-in for the Redis Stream, shared by both apps when the launcher runs them
 * in one process. Keeps a bounded log ordered by seq and, per consumer group, the last acked seq,
 * so the semantics match the Redis transport: redelivery until ack, every group sees every event.
 */
export class InProcessEventBus {
  private readonly log: SyncEnvelope[] = [];
  private readonly acked = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly limit = IN_PROCESS_LOG_LIMIT) {}

  /** Appends in seq order; a seq not above the last one is a republish and is ignored. */
  append(envelope: SyncEnvelope): void {
    const last = this.log.at(-1);
    if (last && envelope.seq <= last.seq) return;
    this.log.push(envelope);
    if (this.log.length > this.limit) this.log.splice(0, this.log.length - this.limit);
    for (const wake of [...this.waiters]) wake();
  }

  /** Envelopes above the group's acked seq, oldest first; a trimmed log simply starts later. */
  readUnacked(group: string, max: number): SyncEnvelope[] {
    const after = this.acked.get(group) ?? 0;
    const start = this.log.findIndex((envelope) => envelope.seq > after);
    return start < 0 ? [] : this.log.slice(start, start + max);
  }

  ack(group: string, seq: number): void {
    this.acked.set(group, Math.max(this.acked.get(group) ?? 0, seq));
  }

  /** Resolves when something is appended, the timeout passes, or the signal aborts. */
  waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }

  /** Each consumer group that acknowledged something, with the last seq it acknowledged. */
  groups(): { group: string; ackedSeq: number }[] {
    return [...this.acked].map(([group, ackedSeq]) => ({ group, ackedSeq }));
  }

  /** The newest seq appended, 0 when empty. */
  get lastSeq(): number {
    return this.log.at(-1)?.seq ?? 0;
  }
}
