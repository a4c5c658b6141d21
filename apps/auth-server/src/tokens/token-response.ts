/**
 * The client a token endpoint answer was issued to, under a symbol key so it never reaches the
 * wire: the dashboard's counters read it at the HTTP boundary instead of decoding the token.
 */
export const ISSUED_TO: unique symbol = Symbol('issuedTo');

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  /** DPoP when the access token is bound to the key of the request's proof (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  /** Left out when the lifetime is "never" (CONTRACT.md). */
  expires_in?: number;
  refresh_token?: string;
  scope: string;
  /** OpenID Connect (OIDC Core §3.1.3.3): when the grant has the openid scope. */
  id_token?: string;
  /** RFC 8693 §2.2.1: the type of the token issued by a token exchange. */
  issued_token_type?: string;
  /** Set by the token endpoint on its answer (not sent). */
  [ISSUED_TO]?: string;
}
