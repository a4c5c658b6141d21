/** One token family (a grants row): what introspection, revocation and the admin API see. */
export interface GrantRecord {
  id: string;
  clientRef: string;
  clientId: string;
  userId: string | null;
  username: string | null;
  grantType: string;
  scopes: string[];
  issuedAt: Date;
  accessExpiresAt: Date | null;
  refreshRemaining: number | null;
  refreshUnlimited: boolean;
  hasRefreshToken: boolean;
  revokedAt: Date | null;
  /** When the user authenticated, for grants from an OpenID Connect request; kept by refreshed id tokens. */
  authTime: Date | null;
  /** RFC 8707 resources granted (a refresh may name one of them); []: the default audience only. */
  resources: string[];
  /** RFC 9449 §5: the DPoP key a public client's refresh token is bound to; null when it is not bound. */
  refreshJkt: string | null;
}

/** Whether tokens of the grant are still good: not revoked, its client active, its user (if any) active. */
export function isLiveGrant(grant: GrantWithState): boolean {
  return !grant.revokedAt && grant.clientActive && (grant.userId === null || grant.userActive === true);
}

/** A grant joined with the live state of its client and user (one round trip). */
export interface GrantWithState extends GrantRecord {
  clientActive: boolean;
  /** null for client_credentials grants; false when the user is gone or inactive. */
  userActive: boolean | null;
  /** The user's permissions now (privileged scopes are dropped at refresh); [] for client grants. */
  userPermissions: string[];
}

export interface NewGrant {
  id: string;
  clientRef: string;
  clientId: string;
  userId: string | null;
  username: string | null;
  grantType: string;
  scopes: string[];
  issuedAt: Date;
  accessExpiresAt: Date | null;
  refreshTokenHash: string | null;
  refreshRemaining: number | null;
  refreshUnlimited: boolean;
  authorizationCodeHash: string | null;
  authTime: Date | null;
  /** The token request's client address and request id: the grant is also its token.issued audit event. */
  requestIp: string | null;
  requestId: string | null;
  /** RFC 8707 resources granted; []: the default audience only. */
  resources: string[];
  /** RFC 9449 §5: the DPoP key a public client's refresh token is bound to. */
  refreshJkt: string | null;
}

/** The outcome of a revocation, for the tokens.revoked event. */
export interface RevokedGrants {
  clientId: string;
  grantIds: string[];
  /** Latest access-token expiry among them; null when one never expires. */
  expiresAt: Date | null;
}
