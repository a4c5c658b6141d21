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
}
