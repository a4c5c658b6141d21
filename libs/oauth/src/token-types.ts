/** RFC 8693 §3: token type identifiers, for `subject_token_type`, `actor_token_type` and `issued_token_type`. */
export const TokenTypeIdentifiers = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;
export type TokenTypeIdentifier = (typeof TokenTypeIdentifiers)[keyof typeof TokenTypeIdentifiers];
