/** The grant_type values of the token endpoint (RFC 6749 §4) and of client registrations (CONTRACT.md). */
export const GrantTypes = {
  authorizationCode: 'authorization_code',
  clientCredentials: 'client_credentials',
  password: 'password',
  implicit: 'implicit',
  refreshToken: 'refresh_token',
  /** RFC 8693 §2.1. */
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  /** RFC 8628 §3.4: the device authorization grant. */
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
} as const;
export type GrantType = (typeof GrantTypes)[keyof typeof GrantTypes];
