import { Inject, Injectable } from '@nestjs/common';
import { InvalidClient, InvalidRequest, parseBasicAuthorization, PLAIN_SECRET_METHODS, type TokenEndpointAuthMethod } from '#oauth';
import { requestContextOf, runInsideRequestContext } from '#observability';
import type { LaneRequest } from '#operability';
import { AuditWriter } from '../audit/audit-writer.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { AssertionRefused } from '../client-assertion/assertion-refused.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../client-assertion/client-assertion-algs.js';
import { ClientAssertionVerifier } from '../client-assertion/client-assertion-verifier.js';
import { unverifiedClaims, type UnverifiedClaims } from '../client-assertion/compact-jws.js';
import { OAuthClientLookup } from '../client-metadata-documents/oauth-client-lookup.js';
import { looksLikeDocumentUrl } from '../client-metadata-documents/document-url.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
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

type Presented = 'client_secret_basic' | 'client_secret_post' | 'client_assertion' | 'none';

/**
 * The one entry point of client authentication, for every endpoint a client authenticates to
 * (token, introspection, revocation, PAR): RFC 6749 §2.3 client_secret_basic (form-encoded inside
 * Basic, §2.3.1) or client_secret_post, RFC 7523 client assertions (private_key_jwt,
 * client_secret_jwt), or a public client's bare client_id, never two at once. The client's
 * registered tokenEndpointAuthMethod decides which it may use (the two plain-secret methods
 * accept each other). Every failure is the same 401 invalid_client (unknown id, wrong secret or
 * signature, wrong method, inactive client), with a Basic challenge when Basic was used; failures
 * are throttled per client id and IP, and audited (`client_authentication.failed`, with the reason).
 */
@Injectable()
export class ClientAuthentication {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly clients: ClientAuthenticator,
    private readonly throttle: AuthFailureThrottle,
    private readonly lookup: OAuthClientLookup,
    private readonly assertions: ClientAssertionVerifier,
    private readonly audit: AuditWriter,
  ) {}

  /**
   * The first step of the endpoints a client authenticates to with nothing to check in between
   * (introspection, revocation): parse the form (invalid_request), then authenticate the client.
   */
  async authenticateForm(request: LaneRequest, options: ClientAuthOptions): Promise<AuthenticatedForm> {
    const form = parseOAuthForm(request);
    return { client: await this.authenticate(request, form, options), form };
  }

  async authenticate(request: LaneRequest, form: OAuthForm, options: ClientAuthOptions): Promise<Client> {
    if (form.client_assertion !== undefined || form.client_assertion_type !== undefined) return this.authenticateAssertion(request, form);
    const header = request.headers.authorization;
    const usedBasic = /^Basic\b/i.test(header ?? '');
    const basic = usedBasic ? parseBasicAuthorization(header, { formEncoded: true }) : null;
    if (usedBasic && !basic) throw new InvalidClient('client authentication failed', true);
    if (basic && form.client_secret !== undefined) throw new InvalidRequest('use exactly one client authentication method');
    if (basic && form.client_id !== undefined && form.client_id !== basic.username)
      throw new InvalidRequest('client_id differs from the authenticated client');

    const clientId = basic?.username ?? form.client_id;
    if (!clientId) throw new InvalidClient('client authentication failed', usedBasic);
    const secret = basic?.password ?? form.client_secret;
    const presented: Presented = usedBasic ? 'client_secret_basic' : secret !== undefined ? 'client_secret_post' : 'none';

    const ticket = await this.throttle.check({ kind: 'client', name: clientId, ip: request.ip });
    const client = secret !== undefined ? await this.confidentialClient(clientId, secret) : await this.publicClient(request, clientId, options);
    if (!client || !methodAllows(client.tokenEndpointAuthMethod, presented)) {
      await ticket.failed();
      this.failed(request, clientId, presented, client ? `the client authenticates with ${client.tokenEndpointAuthMethod}, not ${presented}` : 'unknown client or wrong secret');
      throw new InvalidClient('client authentication failed', usedBasic);
    }
    if (!client.active) throw new InvalidClient('client authentication failed', usedBasic);
    await ticket.succeeded();
    return client;
  }

  /** RFC 7523 §2.2: the client is the assertion's `sub`; `client_id`, when sent, must be the same. */
  private async authenticateAssertion(request: LaneRequest, form: OAuthForm): Promise<Client> {
    if (/^Basic\b/i.test(request.headers.authorization ?? '') || form.client_secret !== undefined) throw new InvalidRequest('use exactly one client authentication method');
    const { client_assertion: assertion, client_assertion_type: type } = form;
    if (type !== JWT_BEARER_ASSERTION_TYPE) {
      this.failed(request, form.client_id ?? null, 'client_assertion', `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
      throw new InvalidClient('client authentication failed', false, `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    }
    if (assertion === undefined) throw new InvalidRequest('the parameter client_assertion is missing');
    const claims = unverifiedClaims(assertion);
    const clientId = assertedClientId(claims);
    if (clientId === null) {
      this.failed(request, form.client_id ?? null, 'client_assertion', 'the client assertion is not a JWT with a string sub');
      throw new InvalidClient('client authentication failed');
    }
    if (form.client_id !== undefined && form.client_id !== clientId) throw new InvalidRequest('client_id differs from the client assertion\'s sub');

    const ticket = await this.throttle.check({ kind: 'client', name: clientId, ip: request.ip });
    const client = looksLikeDocumentUrl(clientId) ? null : await this.clients.find(clientId);
    try {
      if (!client) throw new AssertionRefused('unknown client');
      const secrets = client.tokenEndpointAuthMethod === 'client_secret_jwt' ? () => this.clients.assertionSecretsOf(clientId) : undefined;
      await this.assertions.verify(client, assertion, { audiences: this.audiencesFor(request), secrets }, claims);
    } catch (error) {
      if (!(error instanceof AssertionRefused)) throw error;
      await ticket.failed();
      this.failed(request, clientId, 'client_assertion', error.message);
      throw new InvalidClient('client authentication failed', false, error.message);
    }
    if (!client.active) throw new InvalidClient('client authentication failed');
    await ticket.succeeded();
    return client;
  }

  /** CONTRACT: `aud` the issuer or the endpoint URL; the token endpoint's URL is accepted everywhere (RFC 7523 §3). */
  private audiencesFor(request: LaneRequest): string[] {
    const issuer = this.config.issuer;
    const path = (request.routeOptions?.url ?? request.url).split('?')[0];
    return [...new Set([issuer, `${issuer}/oauth/token`, `${issuer}${path}`])];
  }

  private failed(request: LaneRequest, clientId: string | null, presented: Presented, reason: string): void {
    const event = { action: 'client_authentication.failed', targetType: 'client', targetId: clientId?.slice(0, 1024) ?? null, details: { clientId: clientId?.slice(0, 1024) ?? null, method: presented, reason } };
    this.audit.record(event, requestContextOf(request));
  }

  /** A URL client_id is a public client of its metadata document: it has no secret to present. */
  private async confidentialClient(clientId: string, secret: string): Promise<Client | null> {
    return looksLikeDocumentUrl(clientId) ? null : this.clients.authenticate(clientId, secret);
  }

  /**
   * A URL client_id is resolved through its metadata document: a refused one is invalid_client like
   * an unknown id. The document's fetch audits what it accepts or refuses, and reads the request's
   * context from the store (the token route passes it by hand): entered for that step only.
   */
  private async publicClient(request: LaneRequest, clientId: string, options: ClientAuthOptions): Promise<Client | null> {
    if (!options.allowPublic) return null;
    const lookup = () => this.lookup.client(clientId);
    const client = await (looksLikeDocumentUrl(clientId) ? runInsideRequestContext(requestContextOf(request), lookup) : lookup());
    return client?.type === 'public' ? client : null;
  }
}

/** What was presented against what the client is registered for: Basic and post stand for each other. */
function methodAllows(registered: TokenEndpointAuthMethod, presented: Presented): boolean {
  if (presented === 'none') return registered === 'none';
  return PLAIN_SECRET_METHODS.includes(registered) && (presented === 'client_secret_basic' || presented === 'client_secret_post');
}

/** The unverified `sub` (checked with the signature later), or null for anything that is not a JWT naming one. */
function assertedClientId(claims: UnverifiedClaims | null): string | null {
  const sub = claims?.payload.sub;
  return typeof sub === 'string' && sub.length > 0 && sub.length <= 1024 ? sub : null;
}
