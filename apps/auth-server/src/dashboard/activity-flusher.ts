import { Injectable } from '@nestjs/common';
import { CountsFlusher, type ActivityCount } from '#operability';
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
export class ActivityFlusher extends CountsFlusher<ActivityMetric> {
  constructor(
    counters: ActivityCounters,
    private readonly repository: ActivityRepository,
  ) {
    super(counters, ACTIVITY_FLUSH_MS);
  }

  protected store(rows: ActivityCount<ActivityMetric>[]): Promise<void> {
    return this.repository.add(rows);
  }
}
