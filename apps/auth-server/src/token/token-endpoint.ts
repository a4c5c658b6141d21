import { Injectable } from '@nestjs/common';
import { requestContextOf, runInsideRequestContext, type RequestContext } from '#observability';
import { InvalidClient, InvalidGrant, OAuthError, UnauthorizedClient } from '#oauth';
import type { LaneRequest } from '#operability';
import type { Client } from '../clients/client.js';
import { ClientNoLongerActive, UserNoLongerActive } from '../tokens/token-issuance.js';
import { ClientAuthentication } from './client-authentication.js';
import type { GrantHandler } from './grant-handler.js';
import { ISSUED_TO, type TokenResponse } from '../tokens/token-response.js';
import { RequestProof } from '../dpop/request-proof.js';
import { GrantRegistry } from './grant-registry.js';
import { parseOAuthForm, requireParam, type OAuthForm } from './token-form.js';

/**
 * POST /oauth/token, in order: parse the form, pick the handler (unsupported_grant_type),
 * authenticate the client, check its registration for the grant, parse the grant's declared
 * parameters into its typed request, check the DPoP proof if there is one (after the client, so
 * unauthenticated callers fill no replay store), then let the handler apply the grant's own rules.
 * The route passes the request's context by hand (EXPLICIT_REQUEST_CONTEXT): a handler that does not
 * (GrantHandler.passesOriginByHand) runs inside the store.
 */
@Injectable()
export class TokenEndpoint {
  constructor(
    private readonly registry: GrantRegistry,
    private readonly clientAuthentication: ClientAuthentication,
    private readonly proof: RequestProof,
  ) {}

  handle(request: LaneRequest): Promise<TokenResponse> {
    const form = parseOAuthForm(request);
    const handler = this.registry.handlerFor(requireParam(form, 'grant_type'));
    const origin = requestContextOf(request);
    if (handler.passesOriginByHand) return this.grant(request, form, handler, origin);
    return runInsideRequestContext(origin, () => this.grant(request, form, handler, origin));
  }

  private async grant(request: LaneRequest, form: OAuthForm, handler: GrantHandler, origin: RequestContext): Promise<TokenResponse> {
    const client = await this.clientAuthentication.authenticate(request, form, { allowPublic: true });
    let parsed: ReturnType<typeof handler.parameters.parse>;
    try {
      assertRegisteredFor(client, handler);
      parsed = handler.parameters.parse(form);
    } catch (error) {
      if (error instanceof OAuthError) handler.refused?.(client, error);
      throw error;
    }
    const dpopJkt = await this.proof.keyThumbprint(request, client.clientId);
    try {
      const response = await handler.handle({ client, request: parsed, origin, dpopJkt });
      response[ISSUED_TO] = client.clientId;
      return response;
    } catch (error) {
      // Deactivated (or deleted) after authentication, before its grant was written: as if it had been before.
      if (error instanceof ClientNoLongerActive) throw new InvalidClient('client authentication failed', /^Basic\b/i.test(request.headers.authorization ?? ''));
      if (error instanceof UserNoLongerActive) throw new InvalidGrant('the user is no longer active');
      throw error;
    }
  }
}

function assertRegisteredFor(client: Client, handler: GrantHandler): void {
  const needed = handler.registeredAs ?? [handler.grantType];
  if (!needed.some((grant) => (client.grants as string[]).includes(grant))) throw new UnauthorizedClient();
}
