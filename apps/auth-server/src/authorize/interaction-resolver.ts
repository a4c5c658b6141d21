import { Injectable } from '@nestjs/common';
import { InvalidRequest, OAuthError } from '#oauth';
import { IdTokenHints, type IdTokenHint } from '../sessions/id-token-hints.js';
import { AuthorizeRedirectError } from './authorize-errors.js';
import { responseModeOf, type ValidatedAuthorizeRequest } from './authorize-request.js';
import { resolveInteraction, type InteractionRequest } from './checks/resolve-interaction.js';
import type { RawQuery } from './checks/query-params.js';

export interface ResolvedInteraction extends InteractionRequest {
  /** The verified id_token_hint: signed by this server, for this client. */
  hint: IdTokenHint | null;
}

/**
 * The OpenID Connect parameters of a request that passed the OAuth checks: prompt, max_age,
 * login_hint, id_token_hint. A bad value is an error at the client's redirect URI, with state and iss.
 */
@Injectable()
export class InteractionResolver {
  constructor(private readonly hints: IdTokenHints) {}

  async resolve(query: RawQuery, request: ValidatedAuthorizeRequest): Promise<ResolvedInteraction> {
    try {
      const interaction = resolveInteraction(query);
      const hint = interaction.idTokenHint === null ? null : await this.hints.read(interaction.idTokenHint);
      if (interaction.idTokenHint !== null && !hint?.clientIds.includes(request.client.clientId)) {
        throw new InvalidRequest('id_token_hint is not an id token this server issued to this client');
      }
      return { ...interaction, hint };
    } catch (error) {
      if (error instanceof OAuthError) throw this.redirectError(request, error);
      throw error;
    }
  }

  /** An error for the client, by redirect (OIDC Core §3.1.2.6). */
  redirectError(request: Pick<ValidatedAuthorizeRequest, 'redirectUri' | 'responseType' | 'state'>, error: OAuthError): AuthorizeRedirectError {
    return new AuthorizeRedirectError(error, request.redirectUri, responseModeOf(request.responseType), request.state);
  }
}
