import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets are 256 random bits, so a brute-force search is hopeless whatever the hash speed:
 * a fast keyed hash (HMAC-SHA-256) is the right tool, and keeps client authentication cheap on the
 * token hot path. A slow KDF (scrypt) is for low-entropy human passwords only (see users/).
 * The key is a fixed domain separator, not a secret: the protection is the secret's entropy.
 */
const SECRET_HASH_KEY = 'portcullis/client-secret/v1';

export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return createHmac('sha256', SECRET_HASH_KEY).update(secret, 'utf8').digest('base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function clientSecretMatches(presented: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const actual = Buffer.from(hashClientSecret(presented), 'base64url');
  const expected = Buffer.from(storedHash, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The last secret that matched a cached client's current hash, kept beside that cached entry
 * (a WeakMap keyed by it), so that a client presenting the same secret again skips the HMAC,
 * the largest share of client authentication on the token path. It lives and dies with the
 * cache entry: any registry change (a new secret, a deactivation) replaces the entry, and with
 * it the memo. Only a secret that matched is kept, and it is compared in constant time. The
 * plaintext stays in this process's memory only, next to the signing keys it already holds;
 * nothing of it is ever stored.
 */
export class VerifiedSecretMemo<Entry extends object> {
  private readonly secrets = new WeakMap<Entry, Buffer>();

  has(entry: Entry, presented: string): boolean {
    const remembered = this.secrets.get(entry);
    if (remembered === undefined) return false;
    const candidate = Buffer.from(presented, 'utf8');
    return candidate.length === remembered.length && timingSafeEqual(candidate, remembered);
  }

  remember(entry: Entry, secret: string): void {
    this.secrets.set(entry, Buffer.from(secret, 'utf8'));
  }
}

export function generateClientId(): string {
  return randomBytes(16).toString('base64url');
}
