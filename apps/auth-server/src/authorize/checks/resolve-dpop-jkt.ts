import { InvalidRequest } from '#oauth';

/** An RFC 7638 thumbprint as DPoP uses it: base64url of a SHA-256 digest, no padding. */
const SHA256_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** RFC 9449 §10: `dpop_jkt`, the thumbprint of the key the client will prove at the token endpoint; null when absent. */
export function resolveDpopJkt(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (!SHA256_THUMBPRINT.test(value)) throw new InvalidRequest('dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key');
  return value;
}
