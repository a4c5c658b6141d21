import type { OAuthError } from '#oauth';

/**
 * The request cannot be answered at the client's redirect URI (unknown client, unregistered
 * redirect_uri, expired or forged form post): the user sees an HTML error page (RFC 6749 §4.1.2.1).
 */
export class AuthorizePageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly explanation: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(`${title}: ${explanation}`);
    this.name = 'AuthorizePageError';
  }
}

/** An OAuth error that goes back to the client's (verified) redirect URI, with the state (and `iss`, added by the filter). */
export class AuthorizeRedirectError extends Error {
  constructor(
    readonly oauthError: OAuthError,
    readonly redirectUri: string,
    readonly mode: 'query' | 'fragment',
    readonly state: string | null,
  ) {
    super(oauthError.message);
    this.name = 'AuthorizeRedirectError';
  }
}
