import { describe, expect, it } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';
import type { KeyStore } from '../keys/key-store.js';
import { signedHere } from './signed-here.js';

async function setup() {
  const ours = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const keys = { verificationKey: async (kid: string) => (kid === 'k1' ? ours.publicKey : null) } as unknown as KeyStore;
  const sign = (key: typeof ours.privateKey, kid: string) => new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime(1).sign(key);
  return { keys, ours: ours.privateKey, foreign: foreign.privateKey, sign };
}

describe('signedHere', () => {
  it('recognises a token signed with a published key, even long expired', async () => {
    const { keys, ours, sign } = await setup();
    expect(await signedHere(await sign(ours, 'k1'), keys)).toBe(true);
  });

  it('refuses a forgery under our kid, an unknown kid, and garbage', async () => {
    const { keys, ours, foreign, sign } = await setup();
    const [header, payload, signature] = (await sign(ours, 'k1')).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${signature}`;
    for (const token of [await sign(foreign, 'k1'), tampered, await sign(ours, 'k2'), `${header}.${payload}`, 'a.b.c', 'garbage']) expect(await signedHere(token, keys)).toBe(false);
  });
});
