import { Injectable, Logger } from '@nestjs/common';
import { TemporarilyUnavailable } from '../../../../libs/errors/src/index.js';
import type { Client } from '../clients/client.js';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { GrantsRepository } from '../tokens/grants.repository.js';
import { hashToken, looksLikeJwt } from '../tokens/refresh-token.js';
import { TokenRevoker } from '../tokens/token-revoker.js';

/**
 * RFC 7009: revoking an access token or a refresh token revokes its whole grant (RV-4). A token
 * of another client is left alone and answered like an unknown one (as node-oidc-provider does:
 * the caller learns nothing about other clients' tokens). Any failure is 503, never a false 200.
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
      const grantId = await this.grantOf(client, token);
      if (grantId) await this.revoker.revokeGrant(grantId, { type: 'client', id: client.clientId });
    } catch (error) {
      this.logger.warn(`revocation failed: ${String(error)}`);
      throw new TemporarilyUnavailable();
    }
  }

  private async grantOf(client: Client, token: string): Promise<string | null> {
    if (looksLikeJwt(token)) {
      const claims = await this.verifier.verify(token);
      return claims && claims.client_id === client.clientId ? claims.gid : null;
    }
    const grant = await this.grants.findByRefreshHash(hashToken(token));
    return grant && grant.clientRef === client.id ? grant.id : null;
  }
}
