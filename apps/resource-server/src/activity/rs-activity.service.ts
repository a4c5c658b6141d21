import { Injectable } from '@nestjs/common';
import { minuteStamps, seriesByLabel, seriesGroup, windowEndingAt, type SeriesGroup } from '#operability';
import { RS_REFUSED } from './rs-activity-counters.js';
import { RsActivityFlusher } from './rs-activity.flusher.js';
import { RsActivityRepository } from './rs-activity.repository.js';

export const RS_ACTIVITY_MINUTES = 60;

export interface RsActivityView {
  generatedAt: string;
  minutes: string[];
  refusals: SeriesGroup;
}

@Injectable()
export class RsActivityService {
  constructor(
    private readonly repository: RsActivityRepository,
    private readonly flusher: RsActivityFlusher,
  ) {}

  /** Refusals per minute by reason over the last hour, summed over the instances sharing this database. */
  async activity(now = Date.now()): Promise<RsActivityView> {
    const window = windowEndingAt(now, RS_ACTIVITY_MINUTES);
    await this.flusher.flush();
    const counts = await this.repository.counts(RS_REFUSED, window.from);
    return { generatedAt: new Date(now).toISOString(), minutes: minuteStamps(window), refusals: seriesGroup(seriesByLabel(counts, window)) };
  }
}
