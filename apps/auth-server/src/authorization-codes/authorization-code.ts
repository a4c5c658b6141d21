/** A stored authorization code (RFC 6749 §4.1.2); only its SHA-256 hash is kept. */
export interface AuthorizationCode {
  codeHash: string;
  clientRef: string;
  userId: string;
  redirectUri: string;
  /** Whether redirect_uri was in the authorize request: then the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriSent: boolean;
  scopes: string[];
  /** S256 challenge (RFC 7636), or null when the client sent none. */
  codeChallenge: string | null;
  /** OpenID Connect: the request's nonce, echoed in the id token (OIDC Core §3.1.3.6). */
  nonce: string | null;
  /** When the user authenticated for this code (the id token's auth_time); null for codes from before OIDC. */
  authTime: Date | null;
  /** RFC 8707 resources asked for at /oauth/authorize; []: the default audience only. */
  resources: string[];
  /** RFC 9449 §10: the exchange needs a DPoP proof of this key; null: any or none. */
  dpopJkt: string | null;
  expiresAt: Date;
  consumedAt: Date | null;
}

export type NewAuthorizationCode = Omit<AuthorizationCode, 'consumedAt'>;

/** The user who consented to a code, as the exchange needs them. */
export interface CodeOwner {
  id: string;
  username: string;
  active: boolean;
  /** Read at the exchange: a privileged scope needs the permission still (CONTRACT "Privileged scopes"). */
  permissions: string[];
}
