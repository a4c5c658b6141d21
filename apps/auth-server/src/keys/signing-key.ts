import type { JWK } from 'jose';

/** One ES256 key pair as stored in signing_keys. The private half never leaves the keys module. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: JWK;
  privateJwk: JWK;
  createdAt: Date;
  /** When it starts signing; in the future right after a rotation (published first, RFC 7517 rollover). */
  activatedAt: Date | null;
  /** When it stopped (or will stop) signing. */
  retiredAt: Date | null;
  /** When it leaves the JWKS: no token it signed can still be valid. null: kept. */
  expiresAt: Date | null;
}

export type SigningKeyStatus = 'pending' | 'active' | 'retired' | 'expired';

export function statusOf(key: SigningKeyRecord, now: Date): SigningKeyStatus {
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  if (key.retiredAt && key.retiredAt <= now) return 'retired';
  if (!key.activatedAt || key.activatedAt > now) return 'pending';
  return 'active';
}

/** Keys that belong in the JWKS: everything not yet expired, pending keys included. */
export function isPublished(key: SigningKeyRecord, now: Date): boolean {
  return statusOf(key, now) !== 'expired';
}

/** The signing key at `now`: the most recently activated key that is active. */
export function currentSigningKey(keys: readonly SigningKeyRecord[], now: Date): SigningKeyRecord | undefined {
  return keys.filter((key) => statusOf(key, now) === 'active').sort((a, b) => (b.activatedAt?.getTime() ?? 0) - (a.activatedAt?.getTime() ?? 0))[0];
}

/** Public members only (SECURITY-CHECKLIST MD-3). */
export function publicMembers(key: SigningKeyRecord): JWK {
  const { kty, crv, x, y } = key.publicJwk;
  return { kty, crv, x, y, kid: key.kid, alg: key.alg, use: 'sig' };
}
