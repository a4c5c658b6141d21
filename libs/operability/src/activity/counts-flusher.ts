import { Logger, type BeforeApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CountsFlush } from './counts-flush.js';
import type { MinuteCounters } from './minute-counters.js';
import type { ActivityCount } from './minute-series.js';

/**
 * A CountsFlush as a Nest provider: the timer starts with the module, and the counts of a stopping
 * instance are stored before its DataSource closes. An app's flusher extends it with its repository
 * as `store`, and its dashboard calls flush() first so that it shows this instance's traffic at once.
 */
export abstract class CountsFlusher<Metric extends string> implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly counts: CountsFlush<Metric>;

  protected constructor(counters: MinuteCounters<Metric>, intervalMs: number) {
    // Warnings under the app's class name (ActivityFlusher, RsActivityFlusher), as before the base.
    const logger = new Logger(new.target.name);
    this.counts = new CountsFlush(
      counters,
      (rows) => this.store(rows),
      (message) => logger.warn(message),
      intervalMs,
    );
  }

  /** Adds the rows to the rollup table; a throw gives them back for the next flush. */
  protected abstract store(rows: ActivityCount<Metric>[]): Promise<void>;

  onModuleInit(): void {
    this.counts.start();
  }

  flush(): Promise<void> {
    return this.counts.flush();
  }

  async onModuleDestroy(): Promise<void> {
    this.counts.stop();
    await this.counts.flush();
  }

  /** Requests still finishing after onModuleDestroy counted too: once more, before the DataSource closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.counts.flush();
  }
}
