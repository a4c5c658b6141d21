import { Inject, Injectable } from '@nestjs/common';
import { ConflictProblem, sqlState, UNIQUE_VIOLATION } from '#errors';
import { ClientSecretBox } from '../clients/client-secret-box.js';
import { hashClientSecret } from '../clients/client-secret.js';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SettingsService } from '../settings/settings.service.js';
import { UserProfileCache } from '../users/profile/user-profile-cache.js';
import { ImportExportRepository } from './import-export.repository.js';
import type { PlanContext } from './import-plan.js';
import { ImportConflictProblem, toReport, type ImportReport } from './import-report.js';
import { ImportWriter } from './import-writer.js';
import { parseImportDocument } from './parse-import.js';
import { planImport } from './plan-import.js';
import { reservedOf } from './reserved.js';

/**
 * POST /admin/v1/import: the file is checked as a whole (400), planned row by row against the
 * server inside one transaction, and written in that same transaction only when no row conflicts
 * (409 with the report otherwise). A dry run plans and reports, and writes nothing.
 */
@Injectable()
export class ImportService {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly transaction: RegistryTransaction,
    private readonly repository: ImportExportRepository,
    private readonly writer: ImportWriter,
    private readonly box: ClientSecretBox,
    private readonly settings: SettingsService,
    private readonly profiles: UserProfileCache,
  ) {}

  async import(raw: unknown, dryRun: boolean): Promise<ImportReport> {
    const document = parseImportDocument(raw, { sealingAvailable: this.box.available });
    const reserved = reservedOf(this.config);
    const context: PlanContext = {
      now: new Date(),
      reservedClientIds: reserved.clientIds,
      reservedResources: reserved.resources,
      hashSecret: hashClientSecret,
      openSealed: (sealed, clientId) => this.box.open(sealed, clientId),
    };
    let changedUsers: string[] = [];
    let settingsChanged = false;
    const report = await this.unique(() =>
      this.transaction.run(async (tx) => {
        await this.repository.lock(tx);
        const plan = planImport(document, await this.repository.readState(tx, this.config.resourceAudience), context);
        const planned = toReport(plan.rows, dryRun, false);
        if (dryRun) return planned;
        if (planned.summary.conflict > 0) throw new ImportConflictProblem(planned);
        await this.writer.apply(tx, plan);
        changedUsers = plan.users.flatMap((user) => (user.id ? [user.id] : []));
        settingsChanged = plan.settings !== null;
        return { ...planned, applied: true };
      }),
    );
    for (const id of changedUsers) this.profiles.forget(id);
    // An empty update writes nothing and drops this instance's cached settings (others follow within their second).
    if (settingsChanged) await this.settings.update({});
    return report;
  }

  /** A row written by someone else between the plan and the write (the unique indexes decide): a 409, nothing written. */
  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      throw new ConflictProblem('another change took a name or id this import needs while it ran: nothing was imported; run it again to see the conflicting rows');
    }
  }
}
