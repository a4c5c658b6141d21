import type { JWK } from 'jose';

/**
 * The algorithms this server signs with, each with its own key pair and rotation: ES256 for access
 * tokens (and everything else this server signs), RS256 beside it because OpenID Connect requires
 * id tokens to be available in RS256 (OIDC Core §15.1) and uses it by default.
 */
export const SigningAlgs = { es256: 'ES256', rs256: 'RS256' } as const;
export type SigningAlg = (typeof SigningAlgs)[keyof typeof SigningAlgs];
export const SIGNING_ALGS: readonly SigningAlg[] = [SigningAlgs.es256, SigningAlgs.rs256];

/** How long an id token is valid (OIDC Core §2 `exp`); a retired key stays published at least this long. */
export const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** One key pair as stored in signing_keys. The private half never leaves the keys module. */
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

/** The signing key of `alg` at `now`: the most recently activated key of that algorithm that is active. */
export function currentSigningKey(keys: readonly SigningKeyRecord[], now: Date, alg: SigningAlg): SigningKeyRecord | undefined {
  return keys.filter((key) => key.alg === alg && statusOf(key, now) === 'active').sort((a, b) => (b.activatedAt?.getTime() ?? 0) - (a.activatedAt?.getTime() ?? 0))[0];
}

/**
 * The first instant after `atMs` at which a key's status changes (it activates, retires or
 * expires): until then currentSigningKey answers as it does at `atMs`. Infinity when none will.
 */
export function nextStatusChange(keys: readonly SigningKeyRecord[], atMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const key of keys) {
    for (const instant of [key.activatedAt, key.retiredAt, key.expiresAt]) {
      const ms = instant?.getTime();
      if (ms !== undefined && ms > atMs && ms < next) next = ms;
    }
  }
  return next;
}

/** Public members only (SECURITY-CHECKLIST MD-3). */
export function publicMembers(key: SigningKeyRecord): JWK {
  const { kty, crv, x, y, n, e } = key.publicJwk;
  const material = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
  return { ...material, kid: key.kid, alg: key.alg, use: 'sig' };
}
