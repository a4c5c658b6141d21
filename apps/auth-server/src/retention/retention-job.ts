import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SettingsService } from '../settings/settings.service.js';
import { RETENTION_TABLES, type RetentionTable } from './retention-rules.js';
import { LeasedMaintenance } from './leased-maintenance.js';
import { MaintenanceLeasesRepository } from './maintenance-leases.repository.js';
import { RetentionRepository } from './retention.repository.js';

const LEASE_NAME = 'retention';

/** What one run did; `null` from runOnce when another instance held the lease. */
export interface RetentionRun {
  removed: Record<RetentionTable, number>;
  durationSeconds: number;
}

export type RetentionOutcome = { outcome: 'completed'; run: RetentionRun } | { outcome: 'skipped' } | { outcome: 'failed'; error: Error; run: RetentionRun };

/**
 * Removes what nothing can use any more (retention-rules.ts, docs/retention.md) every
 * RETENTION_INTERVAL_SECONDS, on one auth server at a time (a lease row). Each table is emptied
 * of its removable rows in batches of RETENTION_BATCH_SIZE, each batch one short statement of its
 * own, so token requests never queue behind a long delete.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private readonly listeners: ((outcome: RetentionOutcome) => void)[] = [];
  private readonly maintenance: LeasedMaintenance;
  /** A run in progress on this instance: a second call joins it (the lease is this instance's either way). */
  private inFlight?: Promise<RetentionRun | null>;

  constructor(
    private readonly repository: RetentionRepository,
    leases: MaintenanceLeasesRepository,
    private readonly settings: SettingsService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {
    this.maintenance = new LeasedMaintenance(leases, LEASE_NAME, this.logger);
  }

  onApplicationBootstrap(): void {
    this.maintenance.schedule(this.config.retention.intervalSeconds, () => this.scheduledRun());
  }

  onModuleDestroy(): Promise<void> {
    return this.maintenance.stop();
  }

  /** Metrics subscribe here, so that the job does not depend on them. */
  onOutcome(listener: (outcome: RetentionOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** One run now (tests and the schedule); null when another instance holds the lease. */
  runOnce(): Promise<RetentionRun | null> {
    this.inFlight ??= this.report().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async report(): Promise<RetentionRun | null> {
    const outcome = await this.attempt();
    for (const listener of this.listeners) listener(outcome);
    if (outcome.outcome === 'failed') throw outcome.error;
    return outcome.outcome === 'completed' ? outcome.run : null;
  }

  private async attempt(): Promise<RetentionOutcome> {
    const started = process.hrtime.bigint();
    const removed = Object.fromEntries(RETENTION_TABLES.map((table) => [table, 0])) as Record<RetentionTable, number>;
    const run = (): RetentionRun => ({ removed, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
    try {
      const { auditRetentionDays } = await this.settings.get();
      const done = await this.maintenance.withLease(async (mayContinue) => {
        for (const table of RETENTION_TABLES) {
          for (;;) {
            if (!(await mayContinue())) return;
            const count = await this.repository.removeBatch(table, this.config.retention.batchSize, auditRetentionDays);
            removed[table] += count;
            if (count < this.config.retention.batchSize) break;
          }
        }
      });
      return done === null ? { outcome: 'skipped' } : { outcome: 'completed', run: run() };
    } catch (error) {
      return { outcome: 'failed', error: error as Error, run: run() };
    }
  }

  private async scheduledRun(): Promise<void> {
    const run = await this.runOnce();
    if (run && Object.values(run.removed).some((count) => count > 0)) this.logger.log(`retention removed ${describe(run)}`);
  }
}

function describe(run: RetentionRun): string {
  const counts = Object.entries(run.removed).filter(([, count]) => count > 0);
  return `${counts.map(([table, count]) => `${count} ${table}`).join(', ')} in ${run.durationSeconds.toFixed(1)} s`;
}
