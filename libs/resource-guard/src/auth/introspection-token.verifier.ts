import { InvalidToken, TemporarilyUnavailable } from '#oauth';
import type { ResourceGuardConfig } from '../config/resource-guard.config.js';
import type { AccessTokenPrincipal, TokenVerifier } from './access-token.js';
import { boundKeyThumbprint } from './dpop-binding.js';
import { audiencesOf } from './jwt-token.verifier.js';
import { TokenCache } from './token-cache.js';
import { requestIdHeaders } from '#observability';

/** Short, so that a revocation the events have not brought yet is noticed soon anyway. */
const CACHE_MAX_AGE_MS = 10_000;
const CACHE_ENTRIES = 10_000;
const ACCESS_TOKEN_TYPES = new Set(['bearer', 'dpop']);

interface IntrospectionResponse {
  active?: boolean;
  sub?: string;
  client_id?: string;
  scope?: string;
  aud?: string | string[];
  iss?: string;
  iat?: number;
  exp?: number;
  gid?: string;
  gty?: string;
  jti?: string;
  token_type?: string;
  cnf?: unknown;
}

/**
 * TOKEN_VALIDATION=introspection: RFC 7662 at the auth server, authenticated as our client (which
 * the auth server lets introspect every client's tokens). Admitted: an active answer with
 * token_type Bearer (the auth server says refresh_token for refresh tokens) and our audience.
 */
export class IntrospectionTokenVerifier implements TokenVerifier {
  private readonly cache = new TokenCache<AccessTokenPrincipal>(CACHE_ENTRIES, CACHE_MAX_AGE_MS);

  /**
   * `external`: the endpoint comes from the authorization server's metadata (AUTH_SERVER_MODE=external);
   * there `gid` means nothing to the registry, and a token without `sub` (client credentials) has
   * its client as subject (RFC 9068 §2.2).
   */
  constructor(
    private readonly config: Pick<ResourceGuardConfig, 'issuer' | 'authServerUrl' | 'audience' | 'client'>,
    private readonly external?: { endpoint(): string },
  ) {}

  /** Bumped by invalidate(): an answer asked for before a change is not cached after it. */
  private generation = 0;

  /** Called on every sync event: a change may concern any cached token. */
  invalidate(): void {
    this.generation += 1;
    this.cache.clear();
  }

  async verify(token: string): Promise<AccessTokenPrincipal> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const askedAt = this.generation;
    const answer = await this.introspect(token);
    if (answer.active !== true) throw new InvalidToken('the access token is not active');
    if (answer.iss !== undefined && answer.iss !== this.config.issuer) throw new InvalidToken();
    // An active refresh token is not a bearer token (issue 12 item 4): only an access token, and
    // only one meant for this resource; an answer without aud is meant for no one in particular.
    // RFC 9449 §6.2: a DPoP-bound access token introspects as token_type DPoP, with its cnf.
    if (typeof answer.token_type !== 'string' || !ACCESS_TOKEN_TYPES.has(answer.token_type.toLowerCase())) throw new InvalidToken('the token is not an access token');
    const sub = this.external && answer.sub === undefined ? answer.client_id : answer.sub;
    if (typeof answer.client_id !== 'string' || typeof sub !== 'string') throw new InvalidToken();
    const principal: AccessTokenPrincipal = {
      audiences: audiencesOf(answer.aud),
      sub,
      clientId: answer.client_id,
      scopes: (answer.scope ?? '').split(' ').filter(Boolean),
      tokenId: typeof answer.jti === 'string' ? answer.jti : undefined,
      ...(typeof answer.gty === 'string' ? { grantType: answer.gty } : {}),
      grantId: this.external ? undefined : answer.gid,
      issuedAt: answer.iat,
      expiresAt: answer.exp,
    };
    const jkt = boundKeyThumbprint(answer.cnf);
    if (jkt !== undefined) principal.jkt = jkt;
    // A revocation applied while the auth server was answering must not be undone by caching its
    // answer for CACHE_MAX_AGE_MS: this request gets it, the next one asks again.
    if (askedAt === this.generation) this.cache.set(token, principal, principal.expiresAt === undefined ? undefined : principal.expiresAt * 1000);
    return principal;
  }

  private async introspect(token: string): Promise<IntrospectionResponse> {
    const client = this.config.client;
    if (!client) throw new TemporarilyUnavailable('introspection is not configured', 'RESOURCE_CLIENT_ID/SECRET missing');
    const credentials = Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`).toString('base64');
    const endpoint = this.external ? this.external.endpoint() : `${this.config.authServerUrl}/oauth/introspect`;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...requestIdHeaders() },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new TemporarilyUnavailable('the authorization server cannot be reached', (error as Error).message);
    }
    // Portcullis refuses a client locked for token scanning with 429 for every token but one it
    // signed (SECURITY-CHECKLIST IN-7): the caller's token is not one of its, so 401, not 503.
    if (response.status === 429 && !this.external) throw new InvalidToken('the authorization server does not know the token');
    if (response.status !== 200) throw new TemporarilyUnavailable('token introspection failed', `HTTP ${response.status}`);
    return (await response.json()) as IntrospectionResponse;
  }
}

/** RFC 7662 §2.2: aud is a string or an array of strings; ours must be it or among them. */

/** RFC 6749 §2.3.1: each half is form-urlencoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
