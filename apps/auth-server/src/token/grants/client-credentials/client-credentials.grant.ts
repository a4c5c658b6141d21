import { Injectable } from '@nestjs/common';
import { GrantTypes } from '#oauth';
import { ClientAuthenticator } from '../../../clients/client-authenticator.js';
import { ResourceIndicators } from '../../../resources/resource-indicators.js';
import { TokenIssuance } from '../../../tokens/token-issuance.js';
import { GrantHandlerFor } from '../../grant-handler.decorator.js';
import type { GrantContext, GrantHandler } from '../../grant-handler.js';
import { GrantParameters, type RequestOf } from '../../grant-parameters.js';
import type { TokenResponse } from '../../../tokens/token-response.js';
import { resolveRequestedScopes } from '../../scope-request.js';

const PARAMETERS = new GrantParameters([], ['scope', 'resource']);

/** RFC 6749 §4.4: the client acts for itself; never a refresh token (§4.4.3). */
@Injectable()
@GrantHandlerFor(GrantTypes.clientCredentials)
export class ClientCredentialsGrant implements GrantHandler<typeof PARAMETERS> {
  readonly grantType = GrantTypes.clientCredentials;
  readonly parameters = PARAMETERS;
  readonly passesOriginByHand = true;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly issuance: TokenIssuance,
    private readonly resources: ResourceIndicators,
  ) {}

  async handle({ client, request, origin, dpopJkt }: GrantContext<RequestOf<typeof PARAMETERS>>): Promise<TokenResponse> {
    const scopes = resolveRequestedScopes(request.scope, await this.clients.scopesOf(client));
    const target = await this.resources.forToken(client, request.resource, scopes);
    const { response } = await this.issuance.issue({ client, grantType: this.grantType, scopes: target.scopes, target, withRefreshToken: false, dpopJkt, origin });
    return response;
  }
}
