/** A verified access token, whichever way it was validated (JWT or introspection). */
export interface AccessTokenPrincipal {
  sub: string;
  clientId: string;
  /**
   * The token's `aud`, as a list (RFC 7519 §4.1.3: a string or an array). Verifiers do not judge it:
   * the admission does, against the resource the request is for (the app's RESOURCE_AUDIENCE, or a
   * gateway route's `resource`), so one cached verification serves every route.
   */
  audiences: readonly string[];
  /** Scopes the token carries, before the projection narrows them. */
  scopes: string[];
  /** The `jti` claim: this token's id (X-Auth-Token-Id). */
  tokenId?: string;
  /**
   * The `gty` claim (Portcullis, Auth0): the grant the token came from. `client_credentials` means
   * no user is involved, even when `sub` looks like a username (SECURITY-CHECKLIST CC-4: RFC 9068
   * §2.2 lets a client-only token carry the client as `sub`). Undefined when the token does not say.
   */
  grantType?: string;
  /** The `gid` claim: revocation unit at the auth server. */
  grantId?: string;
  /** Seconds since the epoch. */
  issuedAt?: number;
  /** Seconds since the epoch; undefined for a never-expiring token. */
  expiresAt?: number;
  /** RFC 9449 §6: the thumbprint of the key the token is bound to (`cnf.jkt`); undefined for a bearer token. */
  jkt?: string;
}

/** What the guard leaves on the request for controllers. */
export interface AuthenticatedAccess extends AccessTokenPrincipal {
  /** Token scopes still defined and still granted to the client. */
  effectiveScopes: string[];
}

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export interface TokenVerifier {
  /** Throws InvalidToken for a bad token, TemporarilyUnavailable when the auth server cannot be reached. */
  verify(token: string): Promise<AccessTokenPrincipal>;
  /** The principal of a token verified before and still cached (same checks as verify's cache hit), else undefined. */
  cached?(token: string): AccessTokenPrincipal | undefined;
}
