import { randomBytes } from 'node:crypto';

/**
 * The stored password hashes Portcullis verifies (users/password-hasher.ts): scrypt, written
 * `scrypt$N$r$p$salt$key` with the salt and the 32-byte key in base64url. An imported hash is
 * verified with its own parameters at every login, so they are bounded: at most 64 MiB of memory
 * (128·N·r bytes) and 2^20 of work (N·p), well above the default cost (2^14 · 8, 2 lanes).
 */
const SCRYPT_HASH = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;
const MAX_WORK = 2 ** 20;

export const PASSWORD_HASH_MESSAGE =
  'passwordHash must be a scrypt hash as Portcullis stores them (scrypt$N$r$p$salt$key, N a power of two, 128·N·r at most 64 MiB, N·p at most 2^20), or null';

export function isVerifiablePasswordHash(hash: string): boolean {
  const match = SCRYPT_HASH.exec(hash);
  if (!match) return false;
  const [n, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const powerOfTwo = n >= 2 && (n & (n - 1)) === 0;
  return powerOfTwo && r >= 1 && p >= 1 && 128 * n * r <= MAX_MEMORY_BYTES && n * p <= MAX_WORK;
}

/**
 * For a user imported without a password: a well-formed hash of nothing anyone knows (a random
 * key), so a login costs what any other does and never succeeds, until an admin sets a password.
 * `like` gives the parameters, those of the server's own new hashes.
 */
export function unusablePasswordHash(like: string): string {
  const [scheme, n, r, p] = like.split('$');
  return [scheme, n, r, p, randomBytes(16).toString('base64url'), randomBytes(32).toString('base64url')].join('$');
}
