import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { DpopProofRefused } from './proof-errors.js';
import { ProofKeys } from './proof-keys.js';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const publicJwk = (): Record<string, unknown> => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
const headerOf = (jwk: Record<string, unknown>, extra: Record<string, unknown> = {}): string => encode({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...extra });

describe('ProofKeys', () => {
  it('imports the key of a header once, however many proofs carry it', () => {
    const keys = new ProofKeys();
    const header = headerOf(publicJwk());
    const first = keys.of(header);
    expect(keys.of(header)).toBe(first);
    expect(keys.of(header)).toBe(first);
    expect(keys.imports).toBe(1);
    expect(first.alg).toBe('ES256');
  });

  it('keeps the most recently used headers within its capacity', () => {
    const keys = new ProofKeys(2);
    const [a, b, c] = [headerOf(publicJwk()), headerOf(publicJwk()), headerOf(publicJwk())];
    keys.of(a);
    keys.of(b);
    keys.of(a); // a is now the most recent: c pushes b out
    keys.of(c);
    expect(keys.imports).toBe(3);
    keys.of(a);
    expect(keys.imports).toBe(3);
    keys.of(b);
    expect(keys.imports).toBe(4);
  });

  it.each([
    ['another typ', headerOf(publicJwk(), { typ: 'JWT' }), /typ/],
    ['a MAC alg', headerOf(publicJwk(), { alg: 'HS256' }), /alg/],
    ['a private key', headerOf({ ...publicJwk(), d: 'secret' }), /public key/],
    ['no jwk', encode({ alg: 'ES256', typ: 'dpop+jwt' }), /lacks its jwk/],
    ['a key that does not import', headerOf({ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad' }), /usable public key/],
    ['a header that is not JSON', 'bm90IGpzb24', /malformed/],
  ])('refuses %s, and remembers no refusal', (_name, header, reason) => {
    const keys = new ProofKeys();
    expect(() => keys.of(header)).toThrow(DpopProofRefused);
    expect(() => keys.of(header)).toThrow(reason);
  });
});
