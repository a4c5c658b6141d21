import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { NotFoundProblem } from '#errors';
import { AuditWriter } from '../audit/audit-writer.js';
import { ClientsAdminService } from '../clients/clients-admin.service.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SettingsService } from '../settings/settings.service.js';
import { LeasedMaintenance } from '../retention/leased-maintenance.js';
import { MaintenanceLeasesRepository } from '../retention/maintenance-leases.repository.js';
import { RegistrationRepository } from './registration.repository.js';

/** The lease row's name in maintenance_leases (the retention job holds "retention"). */
const LEASE_NAME = 'dynamic-client-cleanup';
/** Clients removed per batch; the lease is renewed between batches. */
const BATCH = 50;

/**
 * Removes dynamic clients unused for the policy's deleteUnusedAfterDays (docs/registration.md), on
 * one auth server at a time (a lease row, as the retention job does, at its interval). Each client
 * goes through the admin API's delete: its tokens, associations and a client.deleted event go with
 * it, and the audit trail says why.
 */
@Injectable()
export class DynamicClientCleanupJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DynamicClientCleanupJob.name);
  private readonly maintenance: LeasedMaintenance;

  constructor(
    private readonly repository: RegistrationRepository,
    leases: MaintenanceLeasesRepository,
    private readonly clients: ClientsAdminService,
    private readonly settings: SettingsService,
    private readonly audit: AuditWriter,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {
    this.maintenance = new LeasedMaintenance(leases, LEASE_NAME, this.logger);
  }

  onApplicationBootstrap(): void {
    this.maintenance.schedule(this.config.retention.intervalSeconds, async () => {
      const removed = await this.runOnce();
      if (removed && removed.length > 0) this.logger.log(`removed ${removed.length} unused dynamic clients`);
    });
  }

  onModuleDestroy(): Promise<void> {
    return this.maintenance.stop();
  }

  /** One run now: the client ids removed, or null when another instance holds the lease. */
  async runOnce(): Promise<string[] | null> {
    return this.maintenance.withLease(async (mayContinue) => {
      const removed: string[] = [];
      await this.repository.removeExpired();
      const { deleteUnusedAfterDays } = (await this.settings.get()).registrationPolicy;
      if (deleteUnusedAfterDays === 0) return removed;
      for (;;) {
        const batch = await this.repository.unusedDynamicClients(deleteUnusedAfterDays, BATCH);
        for (const clientId of batch) {
          if (!(await mayContinue())) return removed;
          await this.remove(clientId, deleteUnusedAfterDays);
          removed.push(clientId);
        }
        if (batch.length < BATCH) return removed;
      }
    });
  }

  private async remove(clientId: string, days: number): Promise<void> {
    try {
      await this.clients.delete(clientId);
    } catch (error) {
      // Deleted meanwhile (by its registration access token or an admin): nothing left to do.
      if (error instanceof NotFoundProblem) return;
      throw error;
    }
    this.audit.record({
      action: 'client.deleted',
      actor: { type: 'anonymous', id: null },
      targetType: 'client',
      targetId: clientId,
      details: { registration: 'dynamic', reason: `unused for ${days} days` },
    });
  }
}
