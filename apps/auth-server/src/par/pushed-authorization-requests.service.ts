import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequest, OAuthError, RequestNotSupported, TooManyAttempts } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import { AuthorizePageError, AuthorizeRedirectError } from '../authorize/authorize-errors.js';
import { generateRequestUri, hashRequestUri, PUSHED_REQUEST_LIFETIME_SECONDS } from '../authorize/pushed/pushed-request-uri.js';
import { PushedRequestsRepository } from '../authorize/pushed/pushed-requests.repository.js';
import { validateAuthorizeRequest } from '../authorize/validate-authorize-request.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { RequestProof } from '../dpop/request-proof.js';
import { ResourceIndicators } from '../resources/resource-indicators.js';
import { ClientAuthentication } from '../token/client-authentication.js';
import { parsePushedForm } from './pushed-form.js';

export interface PushedRequestResponse {
  request_uri: string;
  expires_in: number;
}

/**
 * POST /oauth/par (RFC 9126 §2): the client authenticates as at the token endpoint (every method,
 * public clients by client_id), the parameters are checked exactly as /oauth/authorize checks them
 * (validateAuthorizeRequest), and stored under the SHA-256 of a new request_uri, for 60 s and one
 * use. Refusals are JSON OAuth errors (no redirect: the client called us directly) and audited.
 * A DPoP proof sent with the push binds the code to its key (RFC 9449 §10.1), as `dpop_jkt` would.
 */
@Injectable()
export class PushedAuthorizationRequests {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly clientAuthentication: ClientAuthentication,
    private readonly clients: ClientAuthenticator,
    private readonly resources: ResourceIndicators,
    private readonly repository: PushedRequestsRepository,
    private readonly proof: RequestProof,
    private readonly audit: AuditWriter,
  ) {}

  async push(request: FastifyRequest): Promise<PushedRequestResponse> {
    const { authentication, parameters } = parsePushedForm(request);
    const client = await this.clientAuthentication.authenticate(request, authentication, { allowPublic: true });
    try {
      // §2.1: a request_uri cannot itself be pushed; request objects (RFC 9101) are not supported.
      if (parameters.request_uri !== undefined) throw new InvalidRequest('request_uri cannot be pushed');
      if (parameters.request !== undefined) throw new RequestNotSupported();
      await this.bindToProofKey(request, client, parameters);
      await this.validate(client, parameters);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.audit.record({ action: 'par.refused', targetType: 'client', targetId: client.clientId, details: { clientId: client.clientId, error: error.error, reason: error.message } });
      throw error;
    }
    const requestUri = generateRequestUri();
    // A public client pushes unauthenticated, from its users' devices: as many live requests per IP
    // as the authorization endpoint allows pending ones. A confidential client's backend pushes for
    // all its users from one address, and is accountable for it: no limit.
    const perIpLimit = client.type === 'public' ? this.config.limits.pendingAuthorizationsPerIp : null;
    const stored = await this.repository.insert(hashRequestUri(requestUri), client.id, { ...parameters, client_id: client.clientId }, PUSHED_REQUEST_LIFETIME_SECONDS, request.ip, perIpLimit);
    if (!stored) {
      this.audit.record({ action: 'par.refused', targetType: 'client', targetId: client.clientId, details: { clientId: client.clientId, error: 'invalid_request', reason: 'too many pushed requests from this IP' } });
      throw new TooManyAttempts(PUSHED_REQUEST_LIFETIME_SECONDS, 'this address holds too many pushed authorization requests; use or let them expire first');
    }
    this.audit.record({ action: 'par.pushed', targetType: 'client', targetId: client.clientId, details: { clientId: client.clientId } });
    return { request_uri: requestUri, expires_in: PUSHED_REQUEST_LIFETIME_SECONDS };
  }

  /** RFC 9449 §10.1: the proof's key becomes the request's `dpop_jkt`; one sent beside it must be the same key. */
  private async bindToProofKey(request: FastifyRequest, client: Client, parameters: Record<string, string | string[]>): Promise<void> {
    const jkt = await this.proof.keyThumbprint(request, client.clientId);
    if (jkt === undefined) return;
    if (parameters.dpop_jkt !== undefined && parameters.dpop_jkt !== jkt) throw new InvalidRequest('the DPoP proof key does not match dpop_jkt');
    parameters.dpop_jkt = jkt;
  }

  /** The authorization endpoint's checks, answered as JSON: a redirect-worthy error as itself, a page-worthy one as invalid_request. */
  private async validate(client: Client, parameters: Record<string, string | string[]>): Promise<void> {
    // client_id, when sent, is the authenticated client's (RFC 9126 §2.1 / RFC 6749 §3.2.1).
    if (parameters.client_id !== undefined && parameters.client_id !== client.clientId) throw new InvalidRequest('client_id differs from the authenticated client');
    const lookup = { find: async (clientId: string) => (clientId === client.clientId ? client : null), scopesOf: (found: Client) => this.clients.scopesOf(found) };
    try {
      await validateAuthorizeRequest({ ...parameters, client_id: client.clientId }, lookup, this.resources, { pushed: true, requiredGlobally: false });
    } catch (error) {
      if (error instanceof AuthorizeRedirectError) throw error.oauthError;
      if (error instanceof AuthorizePageError) throw new InvalidRequest(describable(`${error.title}: ${error.explanation}`));
      throw error;
    }
  }
}

/** error_description allows printable ASCII but the double quote and backslash (RFC 6749 §5.2): the page's words, made fit for it. */
function describable(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}
