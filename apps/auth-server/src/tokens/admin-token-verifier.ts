import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import type { AdminTokenVerifier } from '../admin-api/admin-principal.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { GrantsRepository } from './grants.repository.js';

const ADMIN_SCOPE = 'admin';

/**
 * Bearer tokens for the admin API (CONTRACT.md): ours, for the audience AUTH_ISSUER (the admin
 * API is a resource of its own, RFC 8707: a token for a resource server is refused here), scope `admin`, issued to a user (not a
 * client_credentials token), grant not revoked, client and user active. The guard checks the
 * permission afterwards.
 */
@Injectable()
export class BearerAdminTokenVerifier implements AdminTokenVerifier {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async verify(token: string): Promise<{ userId: string; username: string } | null> {
    const claims = await this.verifier.verify(token);
    if (!claims || !isOnlyAudience(claims.aud, this.config.issuer) || !claims.scope.split(' ').includes(ADMIN_SCOPE)) return null;
    const grant = await this.grants.findWithState(claims.gid);
    if (!grant || grant.revokedAt || !grant.clientActive || !grant.userId || !grant.username || grant.userActive !== true) return null;
    return { userId: grant.userId, username: grant.username };
  }
}

/** `aud` as a string or a one-element array (RFC 7519 §4.1.3), naming exactly this audience. */
function isOnlyAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience);
}
