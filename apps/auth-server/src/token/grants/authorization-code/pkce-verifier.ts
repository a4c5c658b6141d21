import { createHash, timingSafeEqual } from 'node:crypto';
import { isPkceValue } from '#oauth';

/**
 * RFC 7636 §4.6 with S256, the only method this server accepts. A malformed verifier never
 * matches (GHSA-jhm7-29pj-4xvf), and the comparison takes the same time wherever it differs.
 */
export function verifierMatchesChallenge(verifier: string, challenge: string): boolean {
  if (!isPkceValue(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
