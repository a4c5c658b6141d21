import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { MaintenanceLeasesRepository } from './maintenance-leases.repository.js';

/** Renewed before every batch: a holder that stalls this long loses the lease to another instance. */
const LEASE_SECONDS = 60;

/**
 * A background job of the auth server that runs on one instance at a time (the retention job, the
 * removal of unused dynamic clients): its lease row in maintenance_leases, taken for a run and
 * renewed before every batch, and its schedule, every interval from one interval after start (a
 * fleet restarting together does not all try at once), stopped with the app.
 */
export class LeasedMaintenance {
  private readonly holder = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly leases: MaintenanceLeasesRepository,
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `work` holding the lease; null when another instance holds it. `mayContinue`, asked
   * before each batch, renews the lease: false once it is lost (stalled past it, another instance
   * took over) or the app stops, and the work leaves the rest to the next run.
   */
  async withLease<T>(work: (mayContinue: () => Promise<boolean>) => Promise<T>): Promise<T | null> {
    if (!(await this.leases.hold(this.name, this.holder, LEASE_SECONDS))) return null;
    try {
      return await work(async () => !this.stopped && (await this.leases.hold(this.name, this.holder, LEASE_SECONDS)));
    } finally {
      await this.leases.release(this.name, this.holder).catch(() => undefined);
    }
  }

  /** Every `intervalSeconds` (0: never on this instance); a failed run is logged and the next one goes on. */
  schedule(intervalSeconds: number, run: () => Promise<unknown>): void {
    if (this.stopped || intervalSeconds === 0) return;
    this.timer = setTimeout(() => {
      this.running = run()
        .catch((error: unknown) => this.logger.warn(`${this.name} run failed, the next one continues: ${(error as Error).message}`))
        .finally(() => this.schedule(intervalSeconds, run));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Waits for a run in progress: it stops at its next batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
