import { describe, expect, it } from '@jest/globals';
import type { User } from '../users/user.js';
import type { StoredUser } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import { RecentBasicLogins } from './recent-basic-logins.js';

const alice: User = { id: 'u1', username: 'alice', permissions: ['access_control'], active: true } as unknown as User;

function logins(rows: Map<string, StoredUser>): RecentBasicLogins {
  return new RecentBasicLogins({ findWithPasswordHash: async (username: string) => rows.get(username) ?? null } as unknown as UsersService);
}

describe('RecentBasicLogins', () => {
  it('recalls only the exact password that passed, while the stored hash is unchanged and the user active', async () => {
    const rows = new Map([['alice', { user: alice, passwordHash: 'h1' }]]);
    const recent = logins(rows);
    expect(await recent.recall('alice', 'pw')).toBeNull();
    await recent.verifyOnce('alice', 'pw', async () => ({ user: alice, passwordHash: 'h1' }));
    expect(await recent.recall('alice', 'pw')).toEqual(alice);
    expect(await recent.recall('alice', 'pw2')).toBeNull();
    expect(await recent.recall('bob', 'pw')).toBeNull();

    rows.set('alice', { user: { ...alice, active: false }, passwordHash: 'h1' });
    expect(await recent.recall('alice', 'pw')).toBeNull();
    rows.set('alice', { user: alice, passwordHash: 'h1' });
    // Forgotten once refused: it takes a full check again.
    expect(await recent.recall('alice', 'pw')).toBeNull();

    await recent.verifyOnce('alice', 'pw', async () => ({ user: alice, passwordHash: 'h1' }));
    rows.set('alice', { user: alice, passwordHash: 'h2' });
    expect(await recent.recall('alice', 'pw')).toBeNull();
  });

  it('runs one check for identical concurrent credentials and shares its outcome, a failure too', async () => {
    const recent = logins(new Map());
    let checks = 0;
    const slowCheck = async () => {
      checks++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return { user: alice, passwordHash: 'h1' };
    };
    const users = await Promise.all(Array.from({ length: 5 }, () => recent.verifyOnce('alice', 'pw', slowCheck)));
    expect(users).toEqual(Array(5).fill(alice));
    expect(checks).toBe(1);

    const failing = async () => {
      checks++;
      throw new Error('invalid');
    };
    const outcomes = await Promise.allSettled([recent.verifyOnce('alice', 'bad', failing), recent.verifyOnce('alice', 'bad', failing), recent.verifyOnce('alice', 'other', failing)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(checks).toBe(3);
    // Nothing in flight is left behind: the next attempt checks again.
    await expect(recent.verifyOnce('alice', 'bad', failing)).rejects.toThrow('invalid');
    expect(checks).toBe(4);
  });
});
