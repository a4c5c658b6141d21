import { describe, expect, it } from '@jest/globals';
import { ServerBusy } from '#errors';
import { DEFAULT_PASSWORD_HASH_COST, DEFAULT_PASSWORD_HASH_QUEUE_LIMIT } from '../common/password-hashing-capacity.js';
import { dummyPasswordHash, hashPassword, limitQueuedPasswordHashes, passwordHashingLoad, usePasswordHashCost, verifyPassword } from './password-hasher.js';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse', CHEAP);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
    expect(await verifyPassword('correct horse', 'bcrypt$whatever')).toBe(false);
  });

  it('new hashes at the default cost take four lanes of a quarter of the memory, and say so in the hash', async () => {
    usePasswordHashCost(DEFAULT_PASSWORD_HASH_COST);
    try {
      const stored = await hashPassword('correct horse');
      expect(stored.startsWith(`scrypt$${2 ** (DEFAULT_PASSWORD_HASH_COST - 2)}$8$4$`)).toBe(true);
      expect(await verifyPassword('correct horse', stored)).toBe(true);
      expect(dummyPasswordHash().startsWith(`scrypt$${2 ** (DEFAULT_PASSWORD_HASH_COST - 2)}$8$4$`)).toBe(true);
    } finally {
      usePasswordHashCost(DEFAULT_PASSWORD_HASH_COST);
    }
  });

  it('still verifies hashes stored before, with their own parameters (one lane of N = 2^15 was the default)', async () => {
    // Made once with node:crypto's scryptSync('correct horse', 'portcullis-salt!', 32, { N, r: 8, p: 1 }).
    const before = 'scrypt$32768$8$1$cG9ydGN1bGxpcy1zYWx0IQ$NcjIhCnN2SEXPKI4Q7kzCjjPaDBIkaq3pwJAb04lusc';
    const cheap = 'scrypt$1024$8$1$cG9ydGN1bGxpcy1zYWx0IQ$iRhQQ4iIEj6jEZ8EFW6Ag5wk6Wva9ecl5uMHrsVz2RM';
    expect(await verifyPassword('correct horse', before)).toBe(true);
    expect(await verifyPassword('wrong horse', before)).toBe(false);
    expect(await verifyPassword('correct horse', cheap)).toBe(true);
  });

  it('never holds more than two of the thread pool at once; the rest wait and all finish', async () => {
    const hashes = Array.from({ length: 6 }, (_, i) => hashPassword(`password ${i}`, CHEAP));
    await Promise.resolve();
    expect(passwordHashingLoad()).toEqual({ running: 2, waiting: 4 });
    const stored = await Promise.all(hashes);
    expect(new Set(stored).size).toBe(6);
    expect(passwordHashingLoad()).toEqual({ running: 0, waiting: 0 });
    expect(await verifyPassword('password 5', stored[5])).toBe(true);
  });

  it('refuses hashes beyond the queue bound with ServerBusy instead of queueing them all', async () => {
    limitQueuedPasswordHashes(1);
    try {
      const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => hashPassword(`password ${i}`, CHEAP)));
      // 2 running + 1 waiting were admitted; the other three were refused at once.
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected']);
      for (const result of settled.slice(3)) expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ServerBusy);
      expect(await verifyPassword('password 0', (settled[0] as PromiseFulfilledResult<string>).value)).toBe(true);
    } finally {
      limitQueuedPasswordHashes(DEFAULT_PASSWORD_HASH_QUEUE_LIMIT);
    }
  });
});
