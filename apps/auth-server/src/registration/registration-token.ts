import { createHash, randomBytes } from 'node:crypto';

/**
 * Registration access tokens (RFC 7592) and initial access tokens (RFC 7591 §3): 256 random bits,
 * so a plain SHA-256 is the right stored form (as for client secrets, see client-secret.ts), and a
 * lookup by hash is an index probe. The value is shown once and never stored.
 */
export function generateRegistrationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRegistrationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The shape of a token this server issued: anything else is refused without a database query. */
export function isRegistrationTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
