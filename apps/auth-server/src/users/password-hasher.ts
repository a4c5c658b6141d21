import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HashingQueue } from './hashing-queue.js';

const KEY_LENGTH = 32;
/** log2 of scrypt's N: 2^15 with r=8 is OWASP's recommended minimum (32 MiB, ~50-100 ms a hash). */
export const DEFAULT_PASSWORD_HASH_COST = 15;
let cost = costOf(DEFAULT_PASSWORD_HASH_COST);
let dummyHash = dummyHashFor(cost);

function costOf(log2N: number): ScryptOptions {
  return { N: 2 ** log2N, r: 8, p: 1 };
}

/**
 * scrypt runs on libuv's thread pool (4 threads by default), which also serves file and DNS work
 * and the token signatures' fallback (tokens/es256-signing-thread.ts). A burst of logins may hold
 * at most half of the pool, so that none of that queues behind tens of milliseconds of password
 * hashing; the other logins wait their turn here, which costs them nothing on a 2-core machine
 * that is busy hashing anyway. At most PASSWORD_HASH_QUEUE_LIMIT wait; more are refused with
 * ServerBusy (503 with Retry-After). Process-wide, like the pool it protects.
 */
const HASHING_SLOTS = 2;
/** 16 times the slots: at tens of milliseconds per hash, under about a second of waiting. */
export const DEFAULT_PASSWORD_HASH_QUEUE_LIMIT = 16 * HASHING_SLOTS;
const hashingQueue = new HashingQueue(HASHING_SLOTS, DEFAULT_PASSWORD_HASH_QUEUE_LIMIT);

/**
 * Applied at boot from PASSWORD_HASH_COST (PasswordHashingLimit). New hashes use it; stored
 * hashes keep the cost they were made with. The test harness lowers it: hashing speed is not
 * what most suites test, and a 2-core CI runs hundreds of logins.
 */
export function usePasswordHashCost(log2N: number): void {
  cost = costOf(log2N);
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
