import { Injectable } from '@nestjs/common';
import { CountsFlusher, type ActivityCount } from '#operability';
import { RsActivityCounters, type RsActivityMetric } from './rs-activity-counters.js';
import { RsActivityRepository } from './rs-activity.repository.js';

export const RS_ACTIVITY_FLUSH_MS = 2_000;
/** Rows older than a day go in small batches, every this many flushes (about every 5 minutes). */
const PRUNE_EVERY_FLUSHES = 150;
const PRUNE_BATCH = 5_000;

/** Adds this instance's refusal counts to rs_activity_minutes every RS_ACTIVITY_FLUSH_MS, once more at shutdown, and prunes old minutes. */
@Injectable()
export class RsActivityFlusher extends CountsFlusher<RsActivityMetric> {
  private flushes = 0;

  constructor(
    counters: RsActivityCounters,
    private readonly repository: RsActivityRepository,
  ) {
    super(counters, RS_ACTIVITY_FLUSH_MS);
  }

  protected async store(rows: ActivityCount<RsActivityMetric>[]): Promise<void> {
    await this.repository.add(rows);
    if (++this.flushes % PRUNE_EVERY_FLUSHES === 0) await this.repository.prune(PRUNE_BATCH);
  }
}
