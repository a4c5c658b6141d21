import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest } from '#oauth';
import { parseBasicAuthorization } from '../common/basic-credentials.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { OAuthClientLookup } from '../client-metadata-documents/oauth-client-lookup.js';
import { looksLikeDocumentUrl } from '../client-metadata-documents/document-url.js';
import { AuthFailureThrottle } from '../rate-limit/auth-failure-throttle.js';
import { parseOAuthForm, type OAuthForm } from './token-form.js';

/** A request's form and the client it authenticated. */
export interface AuthenticatedForm {
  client: Client;
  form: OAuthForm;
}

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
    private readonly lookup: OAuthClientLookup,
  ) {}

  /**
   * The first step of the endpoints a client authenticates to with nothing to check in between
   * (introspection, revocation): parse the form (invalid_request), then authenticate the client.
   */
  async authenticateForm(request: FastifyRequest, options: ClientAuthOptions): Promise<AuthenticatedForm> {
    const form = parseOAuthForm(request);
    return { client: await this.authenticate(request, form, options), form };
  }

  async authenticate(request: FastifyRequest, form: OAuthForm, options: ClientAuthOptions): Promise<Client> {
    const header = request.headers.authorization;
    const usedBasic = /^Basic\b/i.test(header ?? '');
    const basic = usedBasic ? parseBasicAuthorization(header, true) : null;
    if (usedBasic && !basic) throw new InvalidClient('client authentication failed', true);
    if (basic && form.client_secret !== undefined) throw new InvalidRequest('use exactly one client authentication method');
    if (basic && form.client_id !== undefined && form.client_id !== basic.username)
      throw new InvalidRequest('client_id differs from the authenticated client');

    const clientId = basic?.username ?? form.client_id;
    if (!clientId) throw new InvalidClient('client authentication failed', usedBasic);
    const secret = basic?.password ?? form.client_secret;

    const ticket = await this.throttle.check({ kind: 'client', name: clientId, ip: request.ip });
    const client = secret !== undefined ? await this.confidentialClient(clientId, secret) : await this.publicClient(clientId, options);
    if (!client) {
      await ticket.failed();
      throw new InvalidClient('client authentication failed', usedBasic);
    }
    if (!client.active) throw new InvalidClient('client authentication failed', usedBasic);
    await ticket.succeeded();
    return client;
  }

  /** A URL client_id is a public client of its metadata document: it has no secret to present. */
  private async confidentialClient(clientId: string, secret: string): Promise<Client | null> {
    return looksLikeDocumentUrl(clientId) ? null : this.clients.authenticate(clientId, secret);
  }

  /** A URL client_id is resolved through its metadata document: a refused one is invalid_client like an unknown id. */
  private async publicClient(clientId: string, options: ClientAuthOptions): Promise<Client | null> {
    if (!options.allowPublic) return null;
    const client = await this.lookup.client(clientId);
    return client?.type === 'public' ? client : null;
  }
}
