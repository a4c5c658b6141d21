import { describe, expect, it } from '@jest/globals';
import { ClientSecretBox } from './client-secret-box.js';

const KEY = 'a-key-for-the-client-secret-box-spec-0123456789';

describe('ClientSecretBox', () => {
  it('seals a secret that opens for its client only, and never in clear', () => {
    const box = new ClientSecretBox({ clientSecretEncryptionKey: KEY });
    const sealed = box.seal('the-secret', 'client-a');
    expect(sealed).not.toContain('the-secret');
    expect(box.open(sealed, 'client-a')).toBe('the-secret');
    expect(box.open(sealed, 'client-b')).toBeNull();
    expect(box.seal('the-secret', 'client-a')).not.toBe(sealed);
  });

  it('does not open with another key, when tampered with, or without a key', () => {
    const sealed = new ClientSecretBox({ clientSecretEncryptionKey: KEY }).seal('the-secret', 'client-a');
    expect(new ClientSecretBox({ clientSecretEncryptionKey: `${KEY}-other` }).open(sealed, 'client-a')).toBeNull();
    const [version, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(new ClientSecretBox({ clientSecretEncryptionKey: KEY }).open(`${version}.${iv}.${flipped.toString('base64url')}`, 'client-a')).toBeNull();
    const without = new ClientSecretBox({});
    expect(without.available).toBe(false);
    expect(without.open(sealed, 'client-a')).toBeNull();
    expect(() => without.seal('x', 'client-a')).toThrow(/CLIENT_SECRET_ENCRYPTION_KEY/);
  });
});
