import { Inject, Injectable } from '@nestjs/common';
import { GrantTypes, type OAuthError } from '#oauth';
import { AuthorizationCodesService } from '../authorization-codes/authorization-codes.service.js';
import type { Client } from '../clients/client.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { ResourceIndicators } from '../resources/resource-indicators.js';
import { IdTokenSigner } from '../tokens/id-token-signer.js';
import { TokenIssuance, type OpenIdFacts } from '../tokens/token-issuance.js';
import type { User } from '../users/user.js';
import { responseModeOf } from './authorize-request.js';
import { authorizationResponseLocation } from './authorize-redirect.js';
import type { PendingRequest } from './pending/pending-request.js';

/** Builds the authorization response to a request that reached its decision: allowed, or refused by redirect. */
@Injectable()
export class AuthorizationResponder {
  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly tokens: TokenIssuance,
    private readonly idTokens: IdTokenSigner,
    private readonly resources: ResourceIndicators,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  /** RFC 6749 §4.1.2.1 / §4.2.2.1: the error at the client's redirect URI, in the response type's mode. */
  refusal(pending: Pick<PendingRequest, 'redirectUri' | 'responseType' | 'state'>, error: OAuthError): string {
    return this.location(pending, responseModeOf(pending.responseType), { error: error.error, error_description: error.description, state: pending.state });
  }

  respond(pending: PendingRequest, client: Client, user: User): Promise<string> {
    switch (pending.responseType) {
      case 'code':
        return this.codeResponse(pending, user);
      case 'token':
        return this.implicitResponse(pending, client, user);
      case 'id_token token':
        return this.implicitResponse(pending, client, user, openIdFacts(pending));
      case 'id_token':
        return this.idTokenResponse(pending, client, user);
    }
  }

  /** RFC 6749 §4.1.2: the code and state in the query; the code remembers the nonce and auth_time for its id token. */
  private async codeResponse(pending: PendingRequest, user: User): Promise<string> {
    const code = await this.codes.issue({
      clientRef: pending.clientRef,
      userId: user.id,
      redirectUri: pending.redirectUri,
      redirectUriSent: pending.redirectUriSent,
      scopes: pending.scopes,
      codeChallenge: pending.codeChallenge,
      nonce: pending.nonce,
      authTime: pending.authTime,
      resources: pending.resources,
      dpopJkt: pending.dpopJkt,
    });
    return this.location(pending, 'query', { code, state: pending.state });
  }

  /**
   * RFC 6749 §4.2.2: the access token in the fragment, never a refresh token (RFC 9700 §2.1.2);
   * with "id_token token", its id token beside it, bound to it by at_hash (OIDC Core §3.2.2.5).
   */
  private async implicitResponse(pending: PendingRequest, client: Client, user: User, openId?: OpenIdFacts): Promise<string> {
    // At most one resource here (validateAuthorizeRequest): the token's audience.
    const target = await this.resources.forToken(client, pending.resources[0], pending.scopes);
    const { response } = await this.tokens.issue({
      client,
      user: { id: user.id, username: user.username },
      grantType: GrantTypes.implicit,
      scopes: target.scopes,
      target,
      withRefreshToken: false,
      openId,
    });
    return this.location(pending, 'fragment', {
      access_token: response.access_token,
      token_type: response.token_type,
      expires_in: response.expires_in === undefined ? undefined : String(response.expires_in),
      scope: response.scope,
      id_token: response.id_token,
      state: pending.state,
    });
  }

  /** OIDC Core §3.2.2.5 with response_type=id_token: only the id token, no access token and so no grant. */
  private async idTokenResponse(pending: PendingRequest, client: Client, user: User): Promise<string> {
    const { authTime, nonce } = openIdFacts(pending);
    const idToken = await this.idTokens.sign({ clientId: client.clientId, alg: client.idTokenSignedResponseAlg, subject: user.username, authTime, nonce });
    return this.location(pending, 'fragment', { id_token: idToken, state: pending.state });
  }

  private location(pending: Pick<PendingRequest, 'redirectUri'>, mode: 'query' | 'fragment', params: Record<string, string | null | undefined>): string {
    return authorizationResponseLocation(this.config.issuer, pending.redirectUri, mode, params);
  }
}

/** A request answered with an id token was signed into: auth_time is the login of this request. */
function openIdFacts(pending: PendingRequest): OpenIdFacts {
  return { authTime: pending.authTime ?? new Date(), nonce: pending.nonce };
}
