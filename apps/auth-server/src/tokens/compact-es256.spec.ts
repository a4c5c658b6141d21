import { describe, expect, it } from '@jest/globals';
import { generateKeyPair, jwtVerify } from 'jose';
import { signCompactEs256 } from './compact-es256.js';
import { signOnPool } from './es256-signing-thread.js';

describe('signCompactEs256', () => {
  it('produces a JWS that jose verifies, header and claims intact', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const token = await signCompactEs256({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' }, { sub: 'client', iat: 1, scope: 'a b' }, privateKey, signOnPool);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { typ: 'at+jwt', algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(payload).toEqual({ sub: 'client', iat: 1, scope: 'a b' });
    // Two signatures of the same input differ (ECDSA with a fresh nonce each time).
    expect(await signCompactEs256({ alg: 'ES256' }, { a: 1 }, privateKey, signOnPool)).not.toBe(await signCompactEs256({ alg: 'ES256' }, { a: 1 }, privateKey, signOnPool));
  });
});
