import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '#operability';
import { RetentionJob } from '../retention/retention-job.js';
import { RETENTION_TABLES } from '../retention/retention-rules.js';

/** The retention job's work: rows removed per table, runs by outcome, and how long a run takes. */
@Injectable()
export class RetentionMetrics {
  constructor(job: RetentionJob, metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const removed = new Counter({
      name: 'retention_rows_removed_total',
      help: 'Rows removed by the retention job, by table',
      labelNames: ['table'],
      registers,
    });
    const runs = new Counter({
      name: 'retention_runs_total',
      help: 'Retention runs on this instance: completed, skipped (another instance held the lease) or failed',
      labelNames: ['outcome'],
      registers,
    });
    const duration = new Histogram({
      name: 'retention_run_duration_seconds',
      help: 'Duration of the retention runs this instance did',
      buckets: [0.01, 0.1, 1, 10, 60, 600],
      registers,
    });
    // Every table and outcome from the start, so a dashboard sees zeros rather than no series.
    for (const table of RETENTION_TABLES) removed.labels({ table });
    for (const outcome of ['completed', 'skipped', 'failed']) runs.labels({ outcome });
    job.onOutcome((result) => {
      runs.inc({ outcome: result.outcome });
      if (result.outcome === 'skipped') return;
      duration.observe(result.run.durationSeconds);
      for (const [table, count] of Object.entries(result.run.removed)) removed.inc({ table }, count);
    });
  }
}
