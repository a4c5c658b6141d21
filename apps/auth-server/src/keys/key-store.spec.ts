import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import type { SettingsService } from '../settings/settings.service.js';
import { KeyStore } from './key-store.js';
import type { SigningKeyRecord } from './signing-key.js';
import type { SigningKeysRepository } from './signing-keys.repository.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

async function record(kid: string, fields: Partial<SigningKeyRecord>): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    kid,
    alg: 'ES256',
    publicJwk: await exportJWK(publicKey),
    privateJwk: await exportJWK(privateKey),
    createdAt: at(0),
    activatedAt: at(0),
    retiredAt: null,
    expiresAt: null,
    ...fields,
  };
}

/** A store over keys held in memory (the repository's all() is what reload() reads). */
async function storeOf(keys: () => SigningKeyRecord[]): Promise<KeyStore> {
  const repository = { all: async () => keys() } as unknown as SigningKeysRepository;
  const store = new KeyStore(repository, {} as SettingsService);
  await store.reload();
  return store;
}

describe('KeyStore.signingMaterial', () => {
  it('answers with the same material while no key changes status, and with the next key from its activation on', async () => {
    const keys = [await record('old', { retiredAt: at(10) }), await record('new', { activatedAt: at(10) })];
    const store = await storeOf(() => keys);
    const first = store.signingMaterial('ES256', at(1));
    expect(store.signingMaterial('ES256', at(9))).toBe(first);
    expect((await first).kid).toBe('old');
    expect((await store.signingMaterial('ES256', at(10))).kid).toBe('new');
    expect((await store.signingMaterial('ES256', at(11))).kid).toBe('new');
  });

  it('asks again after a reload: a rotation done at another instance is signed with at once', async () => {
    let keys = [await record('old', {})];
    const store = await storeOf(() => keys);
    expect((await store.signingMaterial('ES256', at(5))).kid).toBe('old');
    keys = [await record('old', { retiredAt: at(4) }), await record('rotated', { activatedAt: at(4) })];
    await store.reload();
    expect((await store.signingMaterial('ES256', at(5))).kid).toBe('rotated');
  });

  it('answers for an earlier instant than the one remembered as that instant requires', async () => {
    const keys = [await record('old', { retiredAt: at(10) }), await record('new', { activatedAt: at(10) })];
    const store = await storeOf(() => keys);
    expect((await store.signingMaterial('ES256', at(12))).kid).toBe('new');
    expect((await store.signingMaterial('ES256', at(3))).kid).toBe('old');
  });

  it('refuses when no key of the algorithm is active', async () => {
    const store = await storeOf(() => []);
    await expect(store.signingMaterial('RS256', at(1))).rejects.toThrow('no active RS256 signing key');
  });
});
