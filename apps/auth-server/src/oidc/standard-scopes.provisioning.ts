import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RegistryTransaction } from '../clients/registry-transaction.repository.js';
import { ScopesService } from '../scopes/scopes.service.js';
import { FirstStartSeedsRepository } from './first-start-seeds.repository.js';
import { STANDARD_SCOPES } from './openid-scopes.js';

const SEED = 'openid-standard-scopes';

/**
 * Creates the standard OpenID Connect scopes at the first start (CONTRACT "OpenID Connect"), with
 * their scope.upserted events, so resource servers know them like any other scope. Once only: a
 * scope an admin deletes later stays deleted, and one that already existed is left as it is.
 */
@Injectable()
export class StandardScopesProvisioning implements OnApplicationBootstrap {
  private readonly logger = new Logger(StandardScopesProvisioning.name);

  constructor(
    private readonly transaction: RegistryTransaction,
    private readonly seeds: FirstStartSeedsRepository,
    private readonly scopes: ScopesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.transaction.run(async (tx) => {
      if (!(await this.seeds.claim(tx, SEED))) return [];
      const missing = [];
      for (const scope of STANDARD_SCOPES) {
        if (await this.seeds.scopeExists(tx, scope.name)) continue;
        await this.scopes.insert(tx, scope.name, scope.description);
        missing.push(scope.name);
      }
      return missing;
    });
    if (created.length > 0) this.logger.log(`created the standard OpenID Connect scopes ${created.join(' ')}`);
  }
}
