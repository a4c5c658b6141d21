import { describe, expect, it } from '@jest/globals';
import { clientSecretMatches, generateClientSecret, hashClientSecret, VerifiedSecretMemo } from './client-secret.js';

describe('client secrets', () => {
  it('match only their own hash', () => {
    const secret = generateClientSecret();
    expect(clientSecretMatches(secret, hashClientSecret(secret))).toBe(true);
    expect(clientSecretMatches(generateClientSecret(), hashClientSecret(secret))).toBe(false);
    expect(clientSecretMatches(secret, null)).toBe(false);
  });
});

describe('VerifiedSecretMemo', () => {
  it('knows a remembered secret for that entry only', () => {
    const memo = new VerifiedSecretMemo<object>();
    const entry = {};
    const secret = generateClientSecret();
    expect(memo.has(entry, secret)).toBe(false);
    memo.remember(entry, secret);
    expect(memo.has(entry, secret)).toBe(true);
    // A replaced cache entry (any registry change) starts with nothing remembered.
    expect(memo.has({}, secret)).toBe(false);
  });

  it('refuses any other secret, whatever its length', () => {
    const memo = new VerifiedSecretMemo<object>();
    const entry = {};
    const secret = generateClientSecret();
    memo.remember(entry, secret);
    expect(memo.has(entry, generateClientSecret())).toBe(false);
    expect(memo.has(entry, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(memo.has(entry, secret.slice(0, 10))).toBe(false);
    expect(memo.has(entry, `${secret}x`)).toBe(false);
    expect(memo.has(entry, '')).toBe(false);
  });

  it('holds the latest secret remembered for an entry', () => {
    const memo = new VerifiedSecretMemo<object>();
    const entry = {};
    const [first, second] = [generateClientSecret(), generateClientSecret()];
    memo.remember(entry, first);
    memo.remember(entry, second);
    expect(memo.has(entry, second)).toBe(true);
    expect(memo.has(entry, first)).toBe(false);
  });
});
