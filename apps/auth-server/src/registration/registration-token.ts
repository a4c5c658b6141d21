/**
 * Registration access tokens (RFC 7592) and initial access tokens (RFC 7591 §3) are opaque values:
 * 256 random bits, so a plain SHA-256 is the right stored form (as for client secrets, see
 * client-secret.ts), and a lookup by hash is an index probe. The value is shown once and never stored.
 */
export { generateOpaqueValue as generateRegistrationToken, hashOpaqueValue as hashRegistrationToken } from '../common/opaque-value.js';

/** The shape of a token this server issued: anything else is refused without a database query. */
export function isRegistrationTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
