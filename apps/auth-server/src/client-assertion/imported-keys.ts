import { createPublicKey, type KeyObject } from 'node:crypto';
import type { ClientJwks } from '../clients/client-jwks.js';

/** A client's public key, imported once (node:crypto KeyObject), with what says which assertions it may check. */
export interface ImportedKey {
  kid?: string;
  /** The JWK's own `alg`, when it names one: the key is then for that algorithm only. */
  alg?: string;
  key: KeyObject;
  /** The JWK type and curve: which algorithms fit it. */
  kty: string;
  crv?: string;
}

const CURVE_OF: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
/** RFC 7518 §3.3: RSA keys of 2048 bits at least. */
const MIN_RSA_BITS = 2048;

/**
 * The usable signing keys of a set: public keys that import, not marked for encryption only
 * (`use: enc`), RSA of 2048 bits or more. A key that does not import is left out, not fatal: the
 * client's other keys still work.
 */
export function importKeys(jwks: ClientJwks): ImportedKey[] {
  const keys: ImportedKey[] = [];
  for (const jwk of jwks.keys) {
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    try {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      if (key.type !== 'public') continue;
      if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue;
      keys.push({
        key,
        kty: String(jwk.kty),
        ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}),
        ...(typeof jwk.alg === 'string' ? { alg: jwk.alg } : {}),
        ...(typeof jwk.crv === 'string' ? { crv: jwk.crv } : {}),
      });
    } catch {
      // Not a key node:crypto can use: skipped.
    }
  }
  return keys;
}

/** The keys that may have signed with `alg` and `kid` (RFC 7517 §4: kid, kty, crv and the key's own alg must agree). */
export function candidateKeys(keys: readonly ImportedKey[], alg: string, kid: unknown): ImportedKey[] {
  return keys.filter((candidate) => {
    if (kid !== undefined && candidate.kid !== kid) return false;
    if (candidate.alg !== undefined && candidate.alg !== alg) return false;
    if (alg.startsWith('RS') || alg.startsWith('PS')) return candidate.kty === 'RSA';
    if (alg.startsWith('ES')) return candidate.kty === 'EC' && candidate.crv === CURVE_OF[alg];
    if (alg === 'EdDSA' || alg === 'Ed25519') return candidate.kty === 'OKP' && candidate.crv === 'Ed25519';
    return false;
  });
}
