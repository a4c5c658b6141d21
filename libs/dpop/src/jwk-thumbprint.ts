import { createHash } from 'node:crypto';

/** The public key members RFC 7638 §3.2 hashes, per key type, in their lexicographic order. */
const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url: the `jkt` of RFC 9449 §6.1.
 * Synchronous, unlike jose's calculateJwkThumbprint (WebCrypto's digest is async): it runs on every
 * DPoP-bound call at a resource server, where a promise per request is measurable.
 */
export function jwkThumbprint(jwk: Record<string, unknown>): string {
  const members = REQUIRED_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new TypeError(`unsupported key type ${String(jwk.kty)}`);
  const canonical: Record<string, unknown> = {};
  for (const member of members) {
    if (typeof jwk[member] !== 'string') throw new TypeError(`the key lacks its "${member}" member`);
    canonical[member] = jwk[member];
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/** The `ath` of RFC 9449 §4.2: base64url(SHA-256(ASCII(access token))). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}
