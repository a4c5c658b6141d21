import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GrantTypes, InvalidClient, UnauthorizedClient } from '#oauth';
import type { Client } from '../clients/client.js';
import { ClientNoLongerActive } from '../tokens/token-issuance.js';
import { ClientAuthentication } from './client-authentication.js';
import type { TokenResponse } from './grant-handler.js';
import { GrantRegistry } from './grant-registry.js';
import { parseOAuthForm, requireParam } from './token-form.js';

/** Refresh tokens only come from the code flow, so refreshing needs that registration (CONTRACT.md). */
const REGISTRATION_NEEDED: Record<string, string> = { [GrantTypes.refreshToken]: GrantTypes.authorizationCode };

/**
 * POST /oauth/token, in order: parse the form, pick the handler (unsupported_grant_type),
 * authenticate the client, check its registration for the grant, then let the handler apply
 * the grant's own rules.
 */
@Injectable()
export class TokenEndpoint {
  constructor(
    private readonly registry: GrantRegistry,
    private readonly clientAuthentication: ClientAuthentication,
  ) {}

  async handle(request: FastifyRequest): Promise<TokenResponse> {
    const params = parseOAuthForm(request);
    const handler = this.registry.handlerFor(requireParam(params, 'grant_type'));
    const client = await this.clientAuthentication.authenticate(request, params, { allowPublic: true });
    assertRegisteredFor(client, handler.grantType);
    try {
      return await handler.handle({ client, params, ip: request.ip });
    } catch (error) {
      // Deactivated (or deleted) after authentication, before its grant was written: as if it had been before.
      if (error instanceof ClientNoLongerActive) throw new InvalidClient('client authentication failed', /^Basic\b/i.test(request.headers.authorization ?? ''));
      throw error;
    }
  }
}

function assertRegisteredFor(client: Client, grantType: string): void {
  const needed = REGISTRATION_NEEDED[grantType] ?? grantType;
  if (!(client.grants as string[]).includes(needed)) throw new UnauthorizedClient();
}
