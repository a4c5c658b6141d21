import type { MinuteCounters } from './minute-counters.js';
import type { ActivityCount } from './minute-series.js';

/**
 * Moves counts from memory to their rollup table every `intervalMs`, one flush at a time. A
 * failed flush gives its rows back to the counters (restore) for the next one, so a database
 * outage delays counts without losing them. CountsFlusher gives it a Nest provider's lifecycle
 * (start at init, a last flush at shutdown); each app's flusher extends that with its repository.
 */
export class CountsFlush<Metric extends string> {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly counters: MinuteCounters<Metric>,
    private readonly store: (rows: ActivityCount<Metric>[]) => Promise<void>,
    private readonly warn: (message: string) => void,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stores everything counted so far; resolves when stored, or given back for the next flush. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const dropped = this.counters.takeDropped();
    if (dropped > 0) this.warn(`${dropped} activity counts dropped: too many distinct labels between two flushes`);
    const rows = this.counters.drain();
    if (rows.length === 0) return;
    try {
      await this.store(rows);
    } catch (error) {
      this.counters.restore(rows);
      this.warn(`activity counts kept for the next flush: ${(error as Error).message}`);
    }
  }
}
