import { describe, expect, it } from '@jest/globals';
import type { KeyStore } from '../keys/key-store.js';
import { DpopNonces } from './dpop-nonces.js';

/** Two published keys, `old` and `new`; `new` signs now. Secrets per (purpose, kid), as KeyStore derives them. */
function keys(current = 'new'): KeyStore {
  const secrets: Record<string, Buffer> = { old: Buffer.alloc(32, 1), new: Buffer.alloc(32, 2) };
  return {
    derivedSecret: (_purpose: string, kid?: string) => {
      const named = kid ?? current;
      return secrets[named] ? { kid: named, secret: secrets[named] } : null;
    },
  } as unknown as KeyStore;
}

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

describe('DpopNonces: stateless server nonces any instance recognises', () => {
  it('accepts its own nonce, and another instance sharing the keys accepts it too', () => {
    const nonce = new DpopNonces(keys()).current(NOW);
    expect(new DpopNonces(keys()).isCurrent(nonce, NOW)).toBe(true);
  });

  it('keeps a nonce current through its window and the next (5 to 10 minutes), not after', () => {
    const nonces = new DpopNonces(keys());
    const nonce = nonces.current(NOW);
    expect(nonces.isCurrent(nonce, NOW + 5 * MINUTE)).toBe(true);
    expect(nonces.isCurrent(nonce, NOW + 10 * MINUTE)).toBe(false);
    expect(nonces.isCurrent(nonce, NOW - 5 * MINUTE)).toBe(false);
  });

  it('still accepts a nonce made with the previous key after a rotation, while that key is published', () => {
    const before = new DpopNonces(keys('old')).current(NOW);
    expect(new DpopNonces(keys('new')).isCurrent(before, NOW + MINUTE)).toBe(true);
  });

  it('refuses a forged MAC, an unknown key, a window of its own choosing, and malformed values', () => {
    const nonces = new DpopNonces(keys());
    const [window, kid, mac] = nonces.current(NOW).split('.');
    const flipped = Buffer.from(mac, 'base64url');
    flipped[0] ^= 1;
    expect(nonces.isCurrent(`${window}.${kid}.${flipped.toString('base64url')}`, NOW)).toBe(false);
    expect(nonces.isCurrent(`${window}.gone.${mac}`, NOW)).toBe(false);
    expect(nonces.isCurrent(`${(parseInt(window, 36) + 1).toString(36)}.${kid}.${mac}`, NOW)).toBe(false);
    for (const bad of ['', 'x', `${window}.${kid}`, `${window}.${kid}.${mac}.extra`, `ZZ.${kid}.${mac}`, `${window}.${kid}.${mac.slice(0, 10)}`]) {
      expect(nonces.isCurrent(bad, NOW)).toBe(false);
    }
  });
});
