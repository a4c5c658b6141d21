import { describe, expect, it, jest } from '@jest/globals';
import type { User } from '../user.js';
import type { UsersRepository } from '../users.repository.js';
import { PROFILE_CACHE_MS, UserProfileCache } from './user-profile-cache.js';

function user(profile: User['profile'], active = true): User {
  return { id: 'u1', username: 'alice', permissions: [], active, profile, createdAt: new Date(), updatedAt: new Date() };
}

function cacheOver(...answers: (User | null)[]) {
  const findById = jest.fn<UsersRepository['findById']>();
  for (const answer of answers) findById.mockResolvedValueOnce(answer);
  return { sut: new UserProfileCache({ findById } as unknown as UsersRepository), findById };
}

describe(UserProfileCache.name, () => {
  it('reads a profile once for concurrent and repeated requests within its lifetime', async () => {
    const { sut, findById } = cacheOver(user({ name: 'Alice' }));
    const answers = await Promise.all([sut.get('u1'), sut.get('u1')]);
    expect(answers).toEqual([{ name: 'Alice' }, { name: 'Alice' }]);
    expect(await sut.get('u1')).toEqual({ name: 'Alice' });
    expect(findById).toHaveBeenCalledTimes(1);
  });

  it('reads again once its lifetime is over', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { sut, findById } = cacheOver(user({ name: 'Alice' }), user({ name: 'Alice L.' }));
      expect(await sut.get('u1')).toEqual({ name: 'Alice' });
      jest.setSystemTime(PROFILE_CACHE_MS);
      expect(await sut.get('u1')).toEqual({ name: 'Alice L.' });
      expect(findById).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets expired profiles go as it reads new ones, not only when they are asked for again', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { sut } = cacheOver(user({ name: 'Alice' }), user({ name: 'Bob' }), user({ name: 'Carol' }));
      await sut.get('u1');
      await sut.get('u2');
      jest.setSystemTime(PROFILE_CACHE_MS);
      await sut.get('u3');
      expect(sut.size).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads again after forget (a change committed through this instance)', async () => {
    const { sut } = cacheOver(user({ name: 'Alice' }), user({ name: 'Alice L.' }));
    expect(await sut.get('u1')).toEqual({ name: 'Alice' });
    sut.forget('u1');
    expect(await sut.get('u1')).toEqual({ name: 'Alice L.' });
  });

  it('keeps no read that began before a forget', async () => {
    const { sut, findById } = cacheOver(user({ name: 'old' }), user({ name: 'new' }));
    const pending = sut.get('u1');
    sut.forget('u1');
    expect(await pending).toEqual({ name: 'old' });
    expect(await sut.get('u1')).toEqual({ name: 'new' });
    expect(findById).toHaveBeenCalledTimes(2);
  });

  it('answers null for a missing or inactive user, and keeps neither', async () => {
    const { sut, findById } = cacheOver(null, user({}, false), user({ name: 'back' }));
    expect(await sut.get('u1')).toBeNull();
    expect(await sut.get('u1')).toBeNull();
    expect(await sut.get('u1')).toEqual({ name: 'back' });
    expect(findById).toHaveBeenCalledTimes(3);
  });
});
