import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CountsFlush } from '#operability';
import { RsActivityCounters, type RsActivityMetric } from './rs-activity-counters.js';
import { RsActivityRepository } from './rs-activity.repository.js';

export const RS_ACTIVITY_FLUSH_MS = 2_000;
/** Rows older than a day go in small batches, every this many flushes (about every 5 minutes). */
const PRUNE_EVERY_FLUSHES = 150;
const PRUNE_BATCH = 5_000;

/** Adds this instance's refusal counts to rs_activity_minutes every RS_ACTIVITY_FLUSH_MS, once more at shutdown, and prunes old minutes. */
@Injectable()
export class RsActivityFlusher implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(RsActivityFlusher.name);
  private readonly counts: CountsFlush<RsActivityMetric>;
  private flushes = 0;

  constructor(counters: RsActivityCounters, repository: RsActivityRepository) {
    this.counts = new CountsFlush(
      counters,
      async (rows) => {
        await repository.add(rows);
        if (++this.flushes % PRUNE_EVERY_FLUSHES === 0) await repository.prune(PRUNE_BATCH);
      },
      (message) => this.logger.warn(message),
      RS_ACTIVITY_FLUSH_MS,
    );
  }

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

  async beforeApplicationShutdown(): Promise<void> {
    await this.counts.flush();
  }
}
