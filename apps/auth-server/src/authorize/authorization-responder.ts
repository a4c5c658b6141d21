import { Injectable } from '@nestjs/common';
import { GrantTypes } from '#oauth';
import { AuthorizationCodesService } from '../authorization-codes/authorization-codes.service.js';
import type { Client } from '../clients/client.js';
import { TokenIssuance } from '../tokens/token-issuance.js';
import type { User } from '../users/user.js';
import { redirectWith } from './authorize-redirect.js';
import type { PendingRequest } from './pending/pending-request.js';

/** Builds the successful authorization response once the user has allowed the request. */
@Injectable()
export class AuthorizationResponder {
  constructor(
    private readonly codes: AuthorizationCodesService,
    private readonly tokens: TokenIssuance,
  ) {}

  respond(pending: PendingRequest, client: Client, user: User): Promise<string> {
    return pending.responseType === 'code' ? this.codeResponse(pending, user) : this.implicitResponse(pending, client, user);
  }

  /** RFC 6749 §4.1.2: the code and state in the query. */
  private async codeResponse(pending: PendingRequest, user: User): Promise<string> {
    const code = await this.codes.issue({
      clientRef: pending.clientRef,
      userId: user.id,
      redirectUri: pending.redirectUri,
      redirectUriSent: pending.redirectUriSent,
      scopes: pending.scopes,
      codeChallenge: pending.codeChallenge,
    });
    return redirectWith(pending.redirectUri, 'query', { code, state: pending.state });
  }

  /** RFC 6749 §4.2.2: the access token in the fragment, never a refresh token (RFC 9700 §2.1.2). */
  private async implicitResponse(pending: PendingRequest, client: Client, user: User): Promise<string> {
    const { response } = await this.tokens.issue({
      client,
      user: { id: user.id, username: user.username },
      grantType: GrantTypes.implicit,
      scopes: pending.scopes,
      withRefreshToken: false,
    });
    return redirectWith(pending.redirectUri, 'fragment', {
      access_token: response.access_token,
      token_type: response.token_type,
      expires_in: response.expires_in === undefined ? undefined : String(response.expires_in),
      scope: response.scope,
      state: pending.state,
    });
  }
}
