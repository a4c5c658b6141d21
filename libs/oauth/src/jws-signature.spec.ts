import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { KeyDoesNotFitAlg, verifiesSignature, verifiesSignatureOnPool } from './jws-signature.js';

/** Signed by jose (an independent implementation), checked here: each alg the proofs accept. */
async function signed(alg: string, privateKey: KeyObject): Promise<{ input: string; signature: Buffer }> {
  const jws = await new CompactSign(new TextEncoder().encode('{"jti":"x"}')).setProtectedHeader({ alg, typ: 'dpop+jwt' }).sign(privateKey);
  const dot = jws.lastIndexOf('.');
  return { input: jws.slice(0, dot), signature: Buffer.from(jws.slice(dot + 1), 'base64url') };
}

const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve });
const rsa = (modulusLength: number) => generateKeyPairSync('rsa', { modulusLength });

describe('verifiesSignature: node:crypto verification of proof signatures', () => {
  const cases: [string, () => { privateKey: KeyObject; publicKey: KeyObject }][] = [
    ['ES256', () => ec('prime256v1')],
    ['ES384', () => ec('secp384r1')],
    ['ES512', () => ec('secp521r1')],
    ['RS256', () => rsa(2048)],
    ['RS512', () => rsa(2048)],
    ['PS256', () => rsa(2048)],
    ['PS384', () => rsa(2048)],
    ['EdDSA', () => generateKeyPairSync('ed25519')],
    ['Ed25519', () => generateKeyPairSync('ed25519')],
  ];

  it.each(cases)('%s: accepts the signature, refuses it tampered or over other data', async (alg, pair) => {
    const { privateKey, publicKey } = pair();
    const { input, signature } = await signed(alg, privateKey);
    expect(verifiesSignature(alg, publicKey, input, signature)).toBe(true);
    const tampered = Buffer.from(signature);
    tampered[tampered.length - 1] ^= 1;
    expect(verifiesSignature(alg, publicKey, input, tampered)).toBe(false);
    expect(verifiesSignature(alg, publicKey, `${input}x`, signature)).toBe(false);
    // The thread-pool variant answers the same.
    await expect(verifiesSignatureOnPool(alg, publicKey, input, signature)).resolves.toBe(true);
    await expect(verifiesSignatureOnPool(alg, publicKey, input, tampered)).resolves.toBe(false);
    await expect(verifiesSignatureOnPool(alg, publicKey, `${input}x`, signature)).resolves.toBe(false);
  });

  it('on the pool: a key that does not fit throws before anything is queued; a malformed signature is false or an error, never true', async () => {
    const { privateKey, publicKey } = ec('prime256v1');
    const { input, signature } = await signed('ES256', privateKey);
    expect(() => verifiesSignatureOnPool('RS256', publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    await expect(verifiesSignatureOnPool('ES256', publicKey, input, signature.subarray(0, 10)).catch(() => false)).resolves.toBe(false);
  });

  it('refuses a key that does not fit the alg: another curve, another type, a short RSA key, a private key, an unknown alg', async () => {
    const p384 = ec('secp384r1');
    const { input, signature } = await signed('ES384', p384.privateKey);
    expect(() => verifiesSignature('ES256', p384.publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    expect(() => verifiesSignature('RS256', p384.publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    expect(() => verifiesSignature('ES384', p384.privateKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    expect(() => verifiesSignature('HS256', p384.publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    expect(() => verifiesSignature('none', p384.publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
    expect(() => verifiesSignature('RS256', rsa(1024).publicKey, input, signature)).toThrow(KeyDoesNotFitAlg);
  });

  it('answers false for a signature of the wrong length rather than throwing', async () => {
    const { publicKey, privateKey } = ec('prime256v1');
    const { input } = await signed('ES256', privateKey);
    expect(verifiesSignature('ES256', publicKey, input, Buffer.alloc(10))).toBe(false);
  });
});
