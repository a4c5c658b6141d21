import { Injectable, Logger } from '@nestjs/common';
import { OAuthError, TemporarilyUnavailable, UnauthorizedClient } from '#oauth';
import type { Client } from '../clients/client.js';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { GrantsRepository } from '../tokens/grants.repository.js';
import { hashToken, looksLikeJwt } from '../tokens/refresh-token.js';
import { TokenRevoker } from '../tokens/token-revoker.js';

/** What a token names: nothing we know, a grant of the calling client, or one of another client. */
type Target = { kind: 'unknown' } | { kind: 'own'; grantId: string } | { kind: 'foreign' };

/**
 * RFC 7009: revoking an access token or a refresh token revokes its whole grant (RV-4). A token
 * of another client is refused with 400 unauthorized_client and revoked nothing (§2.1: the server
 * verifies the token was issued to the client making the request; RV-2), even for a client allowed
 * to introspect every token. An unknown token is 200, as §2.2 asks. Any failure is 503, never a
 * false 200.
 */
@Injectable()
export class RevocationService {
  private readonly logger = new Logger(RevocationService.name);

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly grants: GrantsRepository,
    private readonly revoker: TokenRevoker,
  ) {}

  async revoke(client: Client, token: string): Promise<void> {
    try {
      const target = await this.targetOf(client, token);
      if (target.kind === 'foreign') throw new UnauthorizedClient('the token was not issued to this client');
      if (target.kind === 'own') await this.revoker.revokeGrant(target.grantId, { type: 'client', id: client.clientId });
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      this.logger.warn(`revocation failed: ${String(error)}`);
      throw new TemporarilyUnavailable();
    }
  }

  private async targetOf(client: Client, token: string): Promise<Target> {
    if (looksLikeJwt(token)) {
      const claims = await this.verifier.verify(token);
      if (!claims) return { kind: 'unknown' };
      return claims.client_id === client.clientId ? { kind: 'own', grantId: claims.gid } : { kind: 'foreign' };
    }
    const grant = await this.grants.findByRefreshHash(hashToken(token));
    if (!grant) return { kind: 'unknown' };
    return grant.clientRef === client.id ? { kind: 'own', grantId: grant.id } : { kind: 'foreign' };
  }
}
