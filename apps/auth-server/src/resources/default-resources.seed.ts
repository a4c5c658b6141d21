import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { ResourcesRepository } from './resources.repository.js';
import { ResourcesService } from './resources.service.js';

const SEED = 'default-resources';
/** The admin API's scope, and the demo resource server's (rs.admin, and its demo routes' scopes when they exist). */
const ADMIN_API_SCOPES = ['admin'];
const RESOURCE_SERVER_SCOPES = ['rs.admin', 'reports.read', 'reports.write'];

/**
 * At the first start (CONTRACT "Privileged scopes and token audiences"): the resource
 * RESOURCE_AUDIENCE (the demo resource server) and the resource AUTH_ISSUER (the admin API). Once
 * per installation and identifier: a resource an admin deletes stays deleted, and the console
 * (which signs in for both) keeps working after either variable changes. Run by the console's provisioning,
 * inside its transaction, once the scopes `admin` and `rs.admin` exist; scopes that do not exist
 * (yet) are left out, and belong to every audience until an admin gives them to a resource.
 */
@Injectable()
export class DefaultResourcesSeed {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly repository: ResourcesRepository,
    private readonly resources: ResourcesService,
  ) {}

  async seed(tx: Tx): Promise<string[]> {
    const wanted = [
      { identifier: this.config.resourceAudience, name: 'Resource server', scopes: RESOURCE_SERVER_SCOPES },
      { identifier: this.config.issuer, name: 'Admin API', scopes: ADMIN_API_SCOPES },
    ];
    const created = [];
    for (const { identifier, name, scopes } of wanted) {
      // Claimed per identifier: a changed AUTH_ISSUER or RESOURCE_AUDIENCE is registered at its first start too.
      if (!(await this.repository.claimSeed(tx, `${SEED}:${identifier}`))) continue;
      if (await this.repository.findByIdentifier(tx, identifier)) continue;
      const existing = await this.repository.existingScopes(tx, scopes);
      await this.resources.insert(tx, { identifier, name, scopes: scopes.filter((scope) => existing.has(scope)), accessTokenLifetimeSeconds: null, clientId: null });
      created.push(identifier);
    }
    return created;
  }
}
