import { Injectable } from '@nestjs/common';
import type { AdminTokenVerifier } from '../admin-api/admin-principal.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { GrantsRepository } from './grants.repository.js';

const ADMIN_SCOPE = 'admin';

/**
 * Bearer tokens for the admin API (CONTRACT.md): ours, scope `admin`, issued to a user (not a
 * client_credentials token), grant not revoked, client and user active. The guard checks the
 * permission afterwards.
 */
@Injectable()
export class BearerAdminTokenVerifier implements AdminTokenVerifier {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
  ) {}

  async verify(token: string): Promise<{ userId: string; username: string } | null> {
    const claims = await this.verifier.verify(token);
    if (!claims || !claims.scope.split(' ').includes(ADMIN_SCOPE)) return null;
    const grant = await this.grants.findWithState(claims.gid);
    if (!grant || grant.revokedAt || !grant.clientActive || !grant.userId || !grant.username || grant.userActive !== true) return null;
    return { userId: grant.userId, username: grant.username };
  }
}
