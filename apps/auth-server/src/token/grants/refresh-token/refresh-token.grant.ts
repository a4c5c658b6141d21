import { Injectable } from '@nestjs/common';
import type { RequestContext } from '#observability';
import { GrantTypes, InvalidGrant, InvalidScope } from '#oauth';
import { AuditWriter } from '../../../audit/audit-writer.js';
import type { Client } from '../../../clients/client.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import type { GrantWithState } from '../../../tokens/grant.js';
import { GrantsRepository } from '../../../tokens/grants.repository.js';
import { hashToken } from '../../../tokens/refresh-token.js';
import { RefreshTokenAlreadySpent, TokenIssuance } from '../../../tokens/token-issuance.js';
import { TokenRevoker } from '../../../tokens/token-revoker.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { ResourceIndicators } from '../../../resources/resource-indicators.js';
import { scopesForUser, stillAssociated } from '../../../scopes/privileged-scopes.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import { resolveRequestedScopes } from '../../scope-request.js';

const PARAMETERS = new GrantParameters(['refresh_token'], ['scope', 'resource']);

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh spends one of the grant's refreshes
 * in a single conditional UPDATE (one winner under concurrency) and rotates the token, both done
 * by TokenIssuance (the one minting path); replaying a rotated-out token revokes the whole grant.
 */
@Injectable()
@GrantHandlerFor(GrantTypes.refreshToken)
export class RefreshTokenGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.refreshToken;
  readonly parameters = PARAMETERS;
  /** Refresh tokens only come from the code and device flows, so refreshing needs one of those registrations (CONTRACT.md). */
  readonly registeredAs = [GrantTypes.authorizationCode, GrantTypes.deviceCode];
  readonly passesOriginByHand = true;

  constructor(
    private readonly grants: GrantsRepository,
    private readonly clients: ClientAuthenticator,
    private readonly revoker: TokenRevoker,
    private readonly issuance: TokenIssuance,
    private readonly audit: AuditWriter,
    private readonly resources: ResourceIndicators,
  ) {}

  async handle({ client, request, origin, dpopJkt }: GrantContext<RequestOf<typeof PARAMETERS>>): Promise<TokenResponse> {
    const hash = hashToken(request.refresh_token);
    const grant = await this.grants.findByRefreshHash(hash);
    if (!grant) return this.rejectUnknown(hash, client, origin);
    if (grant.clientRef !== client.id || grant.revokedAt) throw new InvalidGrant('the refresh token is invalid');
    if (grant.userId && grant.userActive !== true) throw new InvalidGrant('the resource owner is no longer active');
    // RFC 9449 §5: a public client's bound refresh token is used with a proof of its key only.
    if (grant.refreshJkt !== null && grant.refreshJkt !== dpopJkt) {
      this.audit.record({ action: 'token.dpop_refused', actor: { type: 'client', id: client.clientId }, targetType: 'grant', targetId: grant.id, details: { reason: 'refresh token bound to another key' } }, origin);
      throw new InvalidGrant('the refresh token is bound to another DPoP key');
    }
    const scopes = await this.scopesFor(grant, client, request.scope);
    // RFC 8707 §2.2: one of the resources the grant was for, never a new one.
    const target = await this.resources.forToken(client, request.resource, scopes, grant.resources);

    try {
      const { response } = await this.issuance.issue({ client, scopes, target, dpopJkt, rotating: { grant, refreshTokenHash: hash } });
      this.audit.record({ action: 'token.refreshed', actor: { type: 'client', id: client.clientId }, targetType: 'grant', targetId: grant.id, details: { scopes: target.scopes, audience: target.audience } }, origin);
      return response;
    } catch (error) {
      // A concurrent refresh (or a revocation) won between the lookup and the spending.
      if (error instanceof RefreshTokenAlreadySpent) throw new InvalidGrant('the refresh token is invalid');
      throw error;
    }
  }

  /** A rotated-out token of this client is a replay: revoke its grant (RT-4). */
  private async rejectUnknown(hash: string, client: Client, origin: RequestContext): Promise<never> {
    const used = await this.grants.findGrantIdOfUsedRefresh(hash);
    if (used && used.clientRef === client.id) {
      this.audit.record({ action: 'token.reuse_detected', actor: { type: 'client', id: client.clientId }, targetType: 'grant', targetId: used.grantId, details: { replayed: 'refresh_token' } }, origin);
      await this.revoker.revokeGrant(used.grantId, { type: 'client', id: client.clientId }, origin);
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
