import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ActivityRepository } from './activity.repository.js';
import { MinuteCounters } from './minute-counters.js';

/** How often each instance adds its counts to the rollup: the dashboard's delay for other instances' traffic. */
export const ACTIVITY_FLUSH_MS = 2_000;

/**
 * Moves this instance's counts into activity_minutes every ACTIVITY_FLUSH_MS, one flush at a time,
 * and once more at shutdown. The dashboard flushes first too, so that an admin sees the traffic of
 * the instance they ask at once and the other instances' within a flush interval.
 */
@Injectable()
export class ActivityFlusher implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActivityFlusher.name);
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly counters: MinuteCounters,
    private readonly repository: ActivityRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), ACTIVITY_FLUSH_MS).unref();
  }

  /** Stores everything counted so far; resolves when stored, or given back for the next flush. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Token requests still finishing after onModuleDestroy: once more, before the DataSource closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private async write(): Promise<void> {
    const dropped = this.counters.takeDropped();
    if (dropped > 0) this.logger.warn(`${dropped} activity counts dropped: too many distinct labels between two flushes`);
    const rows = this.counters.drain();
    if (rows.length === 0) return;
    try {
      await this.repository.add(rows);
    } catch (error) {
      this.counters.restore(rows);
      this.logger.warn(`activity counts kept for the next flush: ${(error as Error).message}`);
    }
  }
}
