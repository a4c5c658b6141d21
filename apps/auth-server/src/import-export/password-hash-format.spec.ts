import { describe, expect, it } from '@jest/globals';
import { hashPassword, verifyPassword } from '../users/password-hasher.js';
import { isVerifiablePasswordHash, unusablePasswordHash } from './password-hash-format.js';

const KEY = 'A'.repeat(43);
const SALT = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('imported password hashes', () => {
  it('accepts a hash the server itself made, and it still verifies', async () => {
    const hash = await hashPassword('correct horse', { N: 1024, r: 8, p: 1 });
    expect(isVerifiablePasswordHash(hash)).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
  });

  it.each([
    ['another scheme', `bcrypt$16384$8$2$${SALT}$${KEY}`],
    ['N not a power of two', `scrypt$1000$8$1$${SALT}$${KEY}`],
    ['N of 1', `scrypt$1$8$1$${SALT}$${KEY}`],
    ['memory over 64 MiB', `scrypt$131072$8$1$${SALT}$${KEY}`],
    ['work over 2^20', `scrypt$65536$1$32$${SALT}$${KEY}`],
    ['r of 0', `scrypt$16384$0$1$${SALT}$${KEY}`],
    ['a key of another length', `scrypt$16384$8$2$${SALT}$${KEY}AA`],
    ['a short salt', `scrypt$16384$8$2$AAAA$${KEY}`],
    ['characters outside base64url', `scrypt$16384$8$2$${SALT}$${'+'.repeat(43)}`],
    ['a plain password', 'hunter2hunter2'],
  ])('refuses %s', (_, hash) => {
    expect(isVerifiablePasswordHash(hash)).toBe(false);
  });

  it('makes an unusable hash that is well formed, fresh each time, and verifies no password', async () => {
    const like = await hashPassword('x', { N: 1024, r: 8, p: 1 });
    const first = unusablePasswordHash(like);
    expect(isVerifiablePasswordHash(first)).toBe(true);
    expect(first.split('$').slice(0, 4)).toEqual(['scrypt', '1024', '8', '1']);
    expect(unusablePasswordHash(like)).not.toBe(first);
    expect(await verifyPassword('', first)).toBe(false);
    expect(await verifyPassword('x', first)).toBe(false);
  });
});
