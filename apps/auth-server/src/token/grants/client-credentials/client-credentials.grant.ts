import { Injectable } from '@nestjs/common';
import { GrantTypes } from '#oauth';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { TokenIssuance } from '../../../tokens/token-issuance.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler, TokenResponse } from '../../grant-handler.js';
import { resolveRequestedScopes } from '../../scope-request.js';

/** RFC 6749 §4.4: the client acts for itself; never a refresh token (§4.4.3). */
@Injectable()
@GrantHandlerFor(GrantTypes.clientCredentials)
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = GrantTypes.clientCredentials;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly issuance: TokenIssuance,
  ) {}

  async handle({ client, params }: GrantContext): Promise<TokenResponse> {
    const scopes = resolveRequestedScopes(params.scope, await this.clients.scopesOf(client));
    const { response } = await this.issuance.issue({ client, grantType: this.grantType, scopes, withRefreshToken: false });
    return response;
  }
}
