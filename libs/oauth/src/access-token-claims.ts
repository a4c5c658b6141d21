/** RFC 9068 §2.1: the `typ` header of our JWT access tokens. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * The claims of an access token, by their names on the wire (RFC 9068 §2.2, CONTRACT.md): what the
 * auth server signs and what resource servers (and its own introspection and revocation) read.
 */
export interface AccessTokenPayload {
  iss: string;
  aud: string;
  /** The username for user grants, the client id for client_credentials. */
  sub: string;
  client_id: string;
  /** Space-separated scope tokens (RFC 6749 §3.3; formatScope / parseScope). */
  scope: string;
  /** The grant id: the unit of revocation at the auth server (and of tokens.revoked events). */
  gid: string;
  /** The grant type the token was issued by. */
  gty: string;
  /** Seconds since the epoch. */
  iat: number;
  jti: string;
  /** Seconds since the epoch; absent when the client's lifetime is "never". */
  exp?: number;
  /** RFC 9449 §6.1: the thumbprint of the key a DPoP-bound token is bound to; absent for a bearer token. */
  cnf?: { jkt: string };
  /** RFC 8693 §4.1: the party acting for `sub` in a token made by delegation; prior actors nested. */
  act?: ActorClaim;
}

/** RFC 8693 §4.1: the current actor, and the one before it nested in its own `act`. */
export interface ActorClaim {
  sub: string;
  client_id: string;
  act?: ActorClaim;
}

export type AccessTokenClaim = keyof AccessTokenPayload;
