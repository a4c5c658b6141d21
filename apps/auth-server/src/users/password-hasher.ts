import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DEFAULT_PASSWORD_HASH_COST, DEFAULT_PASSWORD_HASH_QUEUE_LIMIT, HASHING_SLOTS } from '../common/password-hashing-capacity.js';
import { HashingQueue } from './hashing-queue.js';

const KEY_LENGTH = 32;
/**
 * scrypt's lanes (p) for new hashes. Its memory is 128·r·N bytes whatever p is, its time grows
 * with N·p: four lanes of N = 2^(cost−2) take as long as one of 2^cost with a quarter of the
 * memory, 8 MiB instead of 32 at the default cost (OWASP's table trades memory for lanes the same
 * way, down to N = 2^13 with p = 10). Measured (docs/soak.md, "Memory" and "Session 10"): two
 * hashes at once under a login-heavy load were 64 MiB of RSS at one lane, 32 at two, 16 at four;
 * two lanes left the auth server's RSS near 200 MB over an hour. The price: an attacker's
 * memory × time per guess halves with each halving of N (the CPU work per guess stays).
 */
const LANES = 4;
let cost = costOf(DEFAULT_PASSWORD_HASH_COST);
let dummyHash = dummyHashFor(cost);

/** `log2Work` is PASSWORD_HASH_COST: log2 of N·p. */
function costOf(log2Work: number): ScryptOptions {
  return { N: 2 ** (log2Work - Math.log2(LANES)), r: 8, p: LANES };
}

/** The thread-pool share and waiting bound of common/password-hashing-capacity.ts. */
const hashingQueue = new HashingQueue(HASHING_SLOTS, DEFAULT_PASSWORD_HASH_QUEUE_LIMIT);

/**
 * Applied at boot from PASSWORD_HASH_COST (PasswordHashingLimit). New hashes use it; stored
 * hashes keep the parameters they were made with (each hash string carries its N, r and p). The test harness lowers it: hashing speed is not
 * what most suites test, and a 2-core CI runs hundreds of logins.
 */
export function usePasswordHashCost(log2Work: number): void {
  cost = costOf(log2Work);
  dummyHash = dummyHashFor(cost);
}

/** Applied at boot from the configuration (PasswordHashingLimit); tests set a tiny bound. */
export function limitQueuedPasswordHashes(maxWaiting: number): void {
  hashingQueue.limitWaiting(maxWaiting);
}

/** Hashes running on the pool and waiting for a slot (the password_hashes_* gauges). */
export function passwordHashingLoad(): { running: number; waiting: number } {
  return hashingQueue.load();
}

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashingQueue.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCallback(password, salt, KEY_LENGTH, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
          error ? reject(error) : resolve(key),
        ),
      ),
  );
}

/**
 * Human passwords are low-entropy, so they get a deliberately slow, memory-hard KDF (scrypt from
 * node:crypto: no extra dependency). The parameters are stored with each hash so they can be raised later.
 */
export async function hashPassword(password: string, options: ScryptOptions = cost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, options);
  return ['scrypt', options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Verified against when the user does not exist, so that unknown users cost the same time as known
 * ones hashed at the configured cost (no enumeration).
 */
export function dummyPasswordHash(): string {
  return dummyHash;
}

function dummyHashFor({ N, r, p }: ScryptOptions): string {
  return `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
}
