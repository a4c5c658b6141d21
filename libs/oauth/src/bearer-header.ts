import { InvalidRequest, MissingBearerToken } from './oauth-error.js';

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** An RFC 6750 §3.1 invalid_request that still carries the Bearer challenge. */
export class InvalidBearerRequest extends InvalidRequest {
  constructor(description: string) {
    super(description);
    this.withHeader('WWW-Authenticate', `Bearer error="invalid_request", error_description="${description}"`);
  }
}

/** How an access token was presented: RFC 6750 bearer, or RFC 9449 §7.1 DPoP (then with its proof). */
export type AccessTokenScheme = 'Bearer' | 'DPoP';

export interface PresentedAccessToken {
  scheme: AccessTokenScheme;
  token: string;
}

/**
 * The access token of an Authorization header with either scheme a resource server accepts
 * (RFC 6750 §2.1, RFC 9449 §7.1): the same token grammar and refusals as parseBearerAuthorization.
 */
export function parseAccessTokenAuthorization(header: string | string[] | undefined): PresentedAccessToken {
  if (typeof header === 'string' && header.startsWith('DPoP ')) {
    const token = header.slice(5);
    if (B64TOKEN.test(token)) return { scheme: 'DPoP', token };
    return { scheme: 'DPoP', token: parseBearerAuthorization(`Bearer ${token}`) };
  }
  if (typeof header === 'string' && /^dpop /i.test(header.trim())) return { scheme: 'DPoP', token: parseBearerAuthorization(`Bearer ${header.trim().slice(5)}`) };
  return { scheme: 'Bearer', token: parseBearerAuthorization(header) };
}

/**
 * The bearer token of an Authorization header (RFC 6750 §2.1). The scheme is case-insensitive
 * (RFC 9110 §11.1); no header at all gets the bare challenge; anything else malformed is a 400.
 */
export function parseBearerAuthorization(header: string | string[] | undefined): string {
  // The common well-formed case in one pass over the token: the general parse below returns
  // exactly this for "Bearer <b64token>" (nothing to trim, one space, one token).
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const token = header.slice(7);
    if (B64TOKEN.test(token)) return token;
  }
  if (header === undefined) throw new MissingBearerToken();
  if (Array.isArray(header)) throw new InvalidBearerRequest('send exactly one Authorization header');
  const match = /^(\S+)(?: +(.*))?$/.exec(header.trim());
  if (!match || match[1].toLowerCase() !== 'bearer') {
    // Another scheme (Basic, DPoP…) means the client sent no bearer token at all.
    if (header.trim() === '' || !match) throw new InvalidBearerRequest('the Authorization header is malformed');
    throw new MissingBearerToken();
  }
  const token = (match[2] ?? '').trim();
  if (token === '') throw new InvalidBearerRequest('the bearer token is missing');
  if (/\s/.test(token)) throw new InvalidBearerRequest('send exactly one bearer token');
  if (!B64TOKEN.test(token)) throw new InvalidBearerRequest('the bearer token is malformed');
  return token;
}

/** RFC 6750 §2.2/2.3: this server accepts the header method only; a token elsewhere is refused. */
export function assertNoTokenOutsideHeader(query: unknown, body: unknown): void {
  if (hasAccessToken(query) || hasAccessToken(body)) {
    throw new InvalidBearerRequest('bearer tokens are accepted in the Authorization header only');
  }
}

function hasAccessToken(source: unknown): boolean {
  return typeof source === 'object' && source !== null && Object.prototype.hasOwnProperty.call(source, 'access_token');
}
