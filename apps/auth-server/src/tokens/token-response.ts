/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Left out when the lifetime is "never" (CONTRACT.md). */
  expires_in?: number;
  refresh_token?: string;
  scope: string;
}
