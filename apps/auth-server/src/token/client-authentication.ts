import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest } from '#oauth';
import { parseBasicAuthorization } from '../admin-auth/basic-credentials.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AuthFailureThrottle } from '../rate-limit/auth-failure-throttle.js';
import type { TokenRequestParams } from './grant-handler.js';

export interface ClientAuthOptions {
  /** Whether a public client may identify itself by client_id alone (token and revocation endpoints). */
  allowPublic: boolean;
}

/**
 * RFC 6749 §2.3: client_secret_basic (form-encoded inside Basic, §2.3.1) or client_secret_post,
 * never both; public clients send only client_id. Every failure is the same 401 invalid_client
 * (unknown id, wrong secret, missing secret, inactive client), with a Basic challenge when Basic
 * was used. Failures are throttled per client id and IP.
 */
@Injectable()
export class ClientAuthentication {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly throttle: AuthFailureThrottle,
  ) {}

  async authenticate(request: FastifyRequest, params: TokenRequestParams, options: ClientAuthOptions): Promise<Client> {
    const header = request.headers.authorization;
    const usedBasic = /^Basic\b/i.test(header ?? '');
    const basic = usedBasic ? parseBasicAuthorization(header, true) : null;
    if (usedBasic && !basic) throw new InvalidClient('client authentication failed', true);
    if (basic && params.client_secret !== undefined) throw new InvalidRequest('use exactly one client authentication method');
    if (basic && params.client_id !== undefined && params.client_id !== basic.username)
      throw new InvalidRequest('client_id differs from the authenticated client');

    const clientId = basic?.username ?? params.client_id;
    if (!clientId) throw new InvalidClient('client authentication failed', usedBasic);
    const secret = basic?.password ?? params.client_secret;

    const ticket = await this.throttle.check({ kind: 'client', name: clientId, ip: request.ip });
    const client = secret !== undefined ? await this.clients.authenticate(clientId, secret) : await this.publicClient(clientId, options);
    if (!client) {
      await ticket.failed();
      throw new InvalidClient('client authentication failed', usedBasic);
    }
    if (!client.active) throw new InvalidClient('client authentication failed', usedBasic);
    await ticket.succeeded();
    return client;
  }

  private async publicClient(clientId: string, options: ClientAuthOptions): Promise<Client | null> {
    if (!options.allowPublic) return null;
    const client = await this.clients.find(clientId);
    return client?.type === 'public' ? client : null;
  }
}
