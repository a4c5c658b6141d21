import { describe, expect, it } from '@jest/globals';
import { CheckedCredentialsCache } from './checked-credentials.js';

describe(CheckedCredentialsCache.name, () => {
  const right = { clientId: 'app', secret: 'right' };
  const current = () => true;

  it('finds the very credentials it was given, not another secret of the client', () => {
    const cache = new CheckedCredentialsCache(10, 60_000);
    cache.set(right, 3);
    expect(cache.get(right, current)).toMatchObject({ clientId: 'app', entityVersion: 3 });
    expect(cache.get({ clientId: 'app', secret: 'wrong' }, current)).toBeUndefined();
    expect(cache.get({ clientId: 'ap', secret: 'pright' }, current)).toBeUndefined();
  });

  it('never holds the secret itself', () => {
    const cache = new CheckedCredentialsCache(10, 60_000);
    cache.set({ clientId: 'app', secret: 'a-secret-value' }, 1);
    expect(JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries])).not.toContain('a-secret-value');
  });

  it('drops an entry the registry no longer vouches for (another version of the client)', () => {
    const cache = new CheckedCredentialsCache(10, 60_000);
    cache.set(right, 3);
    expect(cache.get(right, (entry) => entry.entityVersion === 4)).toBeUndefined();
    expect(cache.get(right, current)).toBeUndefined();
  });

  it('drops an entry past its age, and every entry of a forgotten client', () => {
    let now = 0;
    const cache = new CheckedCredentialsCache(10, 1000, () => now);
    cache.set(right, 1);
    now = 999;
    expect(cache.get(right, current)).toBeDefined();
    now = 1000;
    expect(cache.get(right, current)).toBeUndefined();
    cache.set(right, 1);
    cache.set({ clientId: 'app', secret: 'old' }, 1);
    cache.set({ clientId: 'other', secret: 'x' }, 1);
    cache.forget('app');
    expect(cache.size).toBe(1);
  });

  it('keeps at most its bound, the oldest going first', () => {
    const cache = new CheckedCredentialsCache(2, 60_000);
    cache.set({ clientId: 'a', secret: 's' }, 1);
    cache.set({ clientId: 'b', secret: 's' }, 1);
    cache.set({ clientId: 'c', secret: 's' }, 1);
    expect(cache.size).toBe(2);
    expect(cache.get({ clientId: 'a', secret: 's' }, current)).toBeUndefined();
    expect(cache.get({ clientId: 'c', secret: 's' }, current)).toBeDefined();
  });
});
