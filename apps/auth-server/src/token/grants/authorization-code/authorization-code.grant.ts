import { Injectable } from '@nestjs/common';
import type { RequestContext } from '#observability';
import { GrantTypes, InvalidGrant, OAuthError } from '#oauth';
import { AuthorizationCodesService } from '../../../authorization-codes/authorization-codes.service.js';
import type { Client } from '../../../clients/client.js';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { isOpenIdRequest, scopesAllowRefreshToken } from '../../../oidc/openid-scopes.js';
import { ResourceIndicators, type TokenTarget } from '../../../resources/resource-indicators.js';
import { scopesForUser, stillAssociated } from '../../../scopes/privileged-scopes.js';
import type { AuthorizationCode, CodeOwner } from '../../../authorization-codes/authorization-code.js';
import { CodeAlreadyRedeemed, TokenIssuance } from '../../../tokens/token-issuance.js';
import { TokenRevoker } from '../../../tokens/token-revoker.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import { refreshAllowed } from '../refresh-allowed.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { assertDpopKey, assertNotExpired, assertPkce, assertRedirectUriRepeated } from './authorization-code-checks.js';

const PARAMETERS = new GrantParameters(['code'], ['redirect_uri', 'code_verifier', 'resource']);
export type AuthorizationCodeRequest = RequestOf<typeof PARAMETERS>;

/**
 * RFC 6749 §4.1.3 with RFC 7636. A failed check (a wrong PKCE verifier included) burns the code
 * (SECURITY-CHECKLIST AC-8); a code presented again revokes the tokens it produced (RFC 6749
 * §4.1.2, AC-2). A code that passes is spent in the same statement that stores its grant, so a
 * database outage cannot burn it without tokens (F-10): the client may retry the exchange.
 */
@Injectable()
@GrantHandlerFor(GrantTypes.authorizationCode)
export class AuthorizationCodeGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.authorizationCode;
  readonly parameters = PARAMETERS;
  readonly passesOriginByHand = true;

  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly issuance: TokenIssuance,
    private readonly revoker: TokenRevoker,
    private readonly clients: ClientAuthenticator,
    private readonly resources: ResourceIndicators,
  ) {}

  async handle({ client, request, origin, dpopJkt }: GrantContext<AuthorizationCodeRequest>): Promise<TokenResponse> {
    const inspection = await this.codes.inspect(request.code, client.id);
    if (inspection.outcome === 'replayed') return this.replayed(inspection.codeHash, origin);
    if (inspection.outcome === 'unknown') throw new InvalidGrant('the authorization code is invalid');
    const { code } = inspection;
    const { user, scopes, target } = await this.checked(code, inspection.owner, client, request, dpopJkt);
    try {
      const { response } = await this.issuance.issue({
        client,
        user: { id: user.id, username: user.username },
        grantType: this.grantType,
        scopes,
        target,
        withRefreshToken: refreshAllowed(client) && scopesAllowRefreshToken(scopes),
        authorizationCodeHash: code.codeHash,
        dpopJkt,
        origin,
        // OIDC Core §3.1.3.3: scope openid (as it stands now) makes the response carry an id token.
        openId: isOpenIdRequest(scopes) ? { authTime: code.authTime ?? new Date(), nonce: code.nonce } : undefined,
      });
      return response;
    } catch (error) {
      // A concurrent redemption won between the check and our commit: this one is the replay.
      if (error instanceof CodeAlreadyRedeemed) return this.replayed(code.codeHash, origin);
      throw error;
    }
  }

  /**
   * The code's scopes as they stand now: one disassociated from the client since the consent is
   * not issued; a privileged one whose permission the user lost is invalid_scope (CONTRACT).
   */
  private async scopesNow(code: AuthorizationCode, user: CodeOwner, client: Client): Promise<string[]> {
    const associated = await this.clients.associatedScopesOf(client);
    return scopesForUser(stillAssociated(code.scopes, associated), associated, user.permissions, 'refuse');
  }

  private async replayed(codeHash: string, origin: RequestContext): Promise<never> {
    await this.revoker.revokeByAuthorizationCode(codeHash, origin);
    throw new InvalidGrant('the authorization code was already used');
  }

  /** Every check of the code and its user; a refusal burns the code, an outage leaves it be. */
  private async checked(
    code: AuthorizationCode,
    owner: CodeOwner | null,
    client: Client,
    request: AuthorizationCodeRequest,
    dpopJkt: string | undefined,
  ): Promise<{ user: CodeOwner; scopes: string[]; target: TokenTarget }> {
    try {
      assertNotExpired(code);
      assertRedirectUriRepeated(code, request);
      assertPkce(code, request);
      assertDpopKey(code, dpopJkt);
      const user = activeOwner(owner);
      const scopes = await this.scopesNow(code, user, client);
      // RFC 8707 §2.2: the audience is one of the code's resources, never a new one.
      return { user, scopes, target: await this.resources.forToken(client, request.resource, scopes, code.resources) };
    } catch (error) {
      if (error instanceof OAuthError) await this.codes.burn(code);
      throw error;
    }
  }
}

/** The user may have been disabled or deleted since the consent (AC-11); read with the code. */
function activeOwner(owner: CodeOwner | null): CodeOwner {
  if (!owner || !owner.active) throw new InvalidGrant('the resource owner is no longer active');
  return owner;
}
