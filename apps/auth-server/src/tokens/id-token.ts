import { createHash } from 'node:crypto';

/** What an id token says (OIDC Core §2), before signing. */
export interface IdTokenFacts {
  issuer: string;
  /** The user, as the access token's `sub` names them: one subject for id token, access token and userinfo. */
  subject: string;
  clientId: string;
  /** Other audiences beside the client; with any, `azp` names the client (OIDC Core §2). */
  extraAudiences?: string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** When the user authenticated, seconds since the epoch; kept by every id token of a grant (§12.2). */
  authTime: number;
  /** Echoed from the authorization request when it was sent (§3.1.2.1); never on a refresh (§12.2). */
  nonce?: string | null;
  /** The access token issued with it, for at_hash (§3.1.3.6, §3.2.2.9). */
  accessToken?: string;
}

export interface IdTokenPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  auth_time: number;
  nonce?: string;
  at_hash?: string;
  azp?: string;
}

export function idTokenPayload(facts: IdTokenFacts): IdTokenPayload {
  const audiences = [facts.clientId, ...(facts.extraAudiences ?? []).filter((audience) => audience !== facts.clientId)];
  return {
    iss: facts.issuer,
    sub: facts.subject,
    aud: audiences.length === 1 ? facts.clientId : audiences,
    exp: facts.expiresAt,
    iat: facts.issuedAt,
    auth_time: facts.authTime,
    ...(facts.nonce ? { nonce: facts.nonce } : {}),
    ...(facts.accessToken !== undefined ? { at_hash: accessTokenHash(facts.accessToken) } : {}),
    ...(audiences.length > 1 ? { azp: facts.clientId } : {}),
  };
}

/**
 * OIDC Core §3.1.3.6: the left half of the hash of the token's ASCII octets, base64url. Both
 * RS256 and ES256 hash with SHA-256, so the hash does not depend on the client's algorithm.
 */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
