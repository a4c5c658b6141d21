import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, jest } from '@jest/globals';

// The compare is watched, not timed (timing assertions are flaky): node:crypto with a recording timingSafeEqual.
const timingSafeEqual = jest.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => crypto.timingSafeEqual(a, b));
jest.unstable_mockModule('node:crypto', () => ({ ...crypto, default: crypto, timingSafeEqual }));
const { clientSecretMatches, generateClientSecret, hashClientSecret } = await import('./client-secret.js');

const hmac = (secret: string): Buffer => crypto.createHmac('sha256', 'portcullis/client-secret/v1').update(secret, 'utf8').digest();

describe('client secret comparison (TC-3)', () => {
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  it('TC-3: stores an HMAC-SHA-256 of the secret, never the secret', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    expect(Buffer.from(stored, 'base64url').equals(hmac(secret))).toBe(true);
    expect(stored).not.toContain(secret);
    expect(stored).not.toBe(secret);
  });

  it('TC-3: compares the hash of the presented secret with the stored hash, in constant time, whichever character is wrong', () => {
    const secret = generateClientSecret();
    const stored = hashClientSecret(secret);
    const flip = (char: string): string => (char === 'A' ? 'B' : 'A');
    const wrongFirst = `${flip(secret[0])}${secret.slice(1)}`;
    const wrongLast = `${secret.slice(0, -1)}${flip(secret.at(-1)!)}`;

    for (const [presented, matches] of [[secret, true], [wrongFirst, false], [wrongLast, false]] as const) {
      timingSafeEqual.mockClear();
      expect(clientSecretMatches(presented, stored)).toBe(matches);
      // One constant-time compare of two 32-byte digests: the presented secret's HMAC against the stored one.
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [actual, expected] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
      expect(actual.length).toBe(32);
      expect(actual.equals(hmac(presented))).toBe(true);
      expect(expected.equals(Buffer.from(stored, 'base64url'))).toBe(true);
      expect(actual.includes(Buffer.from(presented, 'utf8'))).toBe(false);
    }
  });
});
