import { Injectable } from '@nestjs/common';
import { retryConflicts } from '#database';
import { GrantTypes, InvalidGrant, InvalidScope } from '#oauth';
import { AuditWriter } from '../../../audit/audit-writer.js';
import type { Client } from '../../../clients/client.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { SettingsService } from '../../../settings/settings.service.js';
import { accessTokenLifetimeSeconds } from '../../../tokens/access-token-lifetime.js';
import { AccessTokenSigner } from '../../../tokens/access-token-signer.js';
import type { GrantWithState } from '../../../tokens/grant.js';
import { GrantsRepository } from '../../../tokens/grants.repository.js';
import { tokenResponse } from '../../../tokens/jwt-token-issuance.js';
import { generateRefreshToken, hashToken } from '../../../tokens/refresh-token.js';
import { TokenRevoker } from '../../../tokens/token-revoker.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler, TokenResponse } from '../../grant-handler.js';
import { scopesForUser, stillAssociated } from '../../../scopes/privileged-scopes.js';
import { resolveRequestedScopes } from '../../scope-request.js';
import { requireParam } from '../../token-form.js';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh spends one of the grant's refreshes
 * in a single conditional UPDATE (one winner under concurrency) and rotates the token; replaying
 * a rotated-out token revokes the whole grant.
 */
@Injectable()
@GrantHandlerFor(GrantTypes.refreshToken)
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = GrantTypes.refreshToken;

  constructor(
    private readonly grants: GrantsRepository,
    private readonly clients: ClientAuthenticator,
    private readonly revoker: TokenRevoker,
    private readonly signer: AccessTokenSigner,
    private readonly settings: SettingsService,
    private readonly audit: AuditWriter,
  ) {}

  async handle({ client, params }: GrantContext): Promise<TokenResponse> {
    const hash = hashToken(requireParam(params, 'refresh_token'));
    const grant = await this.grants.findByRefreshHash(hash);
    if (!grant) return this.rejectUnknown(hash, client);
    if (grant.clientRef !== client.id || grant.revokedAt) throw new InvalidGrant('the refresh token is invalid');
    if (grant.userId && grant.userActive !== true) throw new InvalidGrant('the resource owner is no longer active');
    const scopes = await this.scopesFor(grant, client, params.scope);

    const settings = await this.settings.get();
    const lifetime = accessTokenLifetimeSeconds(client.accessTokenLifetime, settings.accessTokenLifetimeSeconds);
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = lifetime === null ? undefined : issuedAt + lifetime;
    const next = generateRefreshToken();
    const spend = { hash, clientRef: client.id, nextHash: hashToken(next), accessExpiresAt: expiresAt === undefined ? null : new Date(expiresAt * 1000) };
    // One statement, so a retry after a serialization failure (a SERIALIZABLE default, a racing
    // writer on the grant row) starts clean and re-checks the hash: a racer that lost gets
    // invalid_grant, and the counter moves once (F-11, F-12). Past the bound: 503.
    const spent = await retryConflicts(() => this.grants.spendRefresh(spend));
    if (!spent) throw new InvalidGrant('the refresh token is invalid');

    const accessToken = await this.signer.sign({
      grantId: grant.id,
      grantType: grant.grantType,
      clientId: client.clientId,
      subject: grant.username ?? client.clientId,
      scopes,
      audience: settings.accessTokenAudience,
      issuedAt,
      expiresAt,
    });
    this.audit.record({ action: 'token.refreshed', actor: { type: 'client', id: client.clientId }, targetType: 'grant', targetId: grant.id, details: { scopes } });
    return tokenResponse(accessToken, lifetime, scopes, spent.newHashKept ? next : undefined);
  }

  /** A rotated-out token of this client is a replay: revoke its grant (RT-4). */
  private async rejectUnknown(hash: string, client: Client): Promise<never> {
    const used = await this.grants.findGrantIdOfUsedRefresh(hash);
    if (used && used.clientRef === client.id) {
      this.audit.record({ action: 'token.reuse_detected', actor: { type: 'client', id: client.clientId }, targetType: 'grant', targetId: used.grantId, details: { replayed: 'refresh_token' } });
      await this.revoker.revokeGrant(used.grantId, { type: 'client', id: client.clientId });
    }
    throw new InvalidGrant('the refresh token is invalid');
  }

  /**
   * A narrower scope is allowed (the grant keeps its own), a wider one is invalid_scope. Scopes no
   * longer associated with the client are dropped, or refused when asked for explicitly. A
   * privileged scope whose permission the user lost is dropped silently (CONTRACT "Privileged scopes").
   */
  private async scopesFor(grant: GrantWithState, client: Client, requested: string | undefined): Promise<string[]> {
    const associated = await this.clients.associatedScopesOf(client);
    let scopes: string[];
    if (requested === undefined) scopes = stillAssociated(grant.scopes, associated);
    else {
      scopes = resolveRequestedScopes(requested, grant.scopes);
      if (stillAssociated(scopes, associated).length < scopes.length) throw new InvalidScope('the requested scope is no longer allowed for this client');
    }
    return grant.userId === null ? scopes : scopesForUser(scopes, associated, grant.userPermissions, 'drop');
  }
}
