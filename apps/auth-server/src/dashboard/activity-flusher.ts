import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CountsFlush } from '#operability';
import { ActivityCounters, type ActivityMetric } from './activity-metrics.js';
import { ActivityRepository } from './activity.repository.js';

/** How often each instance adds its counts to the rollup: the dashboard's delay for other instances' traffic. */
export const ACTIVITY_FLUSH_MS = 2_000;

/**
 * Adds this instance's counts to activity_minutes every ACTIVITY_FLUSH_MS, and once more at
 * shutdown. The dashboard flushes first too, so that an admin sees the traffic of the instance
 * they ask at once and the other instances' within a flush interval.
 */
@Injectable()
export class ActivityFlusher implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActivityFlusher.name);
  private readonly counts: CountsFlush<ActivityMetric>;

  constructor(counters: ActivityCounters, repository: ActivityRepository) {
    this.counts = new CountsFlush(counters, (rows) => repository.add(rows), (message) => this.logger.warn(message), ACTIVITY_FLUSH_MS);
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

  /** Token requests still finishing after onModuleDestroy: once more, before the DataSource closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.counts.flush();
  }
}
