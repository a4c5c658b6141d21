import { describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { AssertionRefused } from './assertion-refused.js';
import { asymmetricSignatureValid, hmacSignatureValid, parseCompactJws, unverifiedClaims } from './compact-jws.js';
import { candidateKeys, importKeys } from './imported-keys.js';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const INPUT = Buffer.from('header.payload');
const jwkOf = (key: { export(options: { format: 'jwk' }): unknown }): Record<string, unknown> => key.export({ format: 'jwk' }) as Record<string, unknown>;

describe('parseCompactJws', () => {
  it('takes a compact JWS apart', () => {
    const parsed = parseCompactJws(`${encode({ alg: 'ES256' })}.${encode({ sub: 'a' })}.c2ln`);
    expect(parsed.header).toEqual({ alg: 'ES256' });
    expect(parsed.payload).toEqual({ sub: 'a' });
    expect(parsed.signature.toString()).toBe('sig');
  });

  it.each([
    ['two parts', `${encode({ alg: 'ES256' })}.${encode({})}`],
    ['a header that is not JSON', `bm90IGpzb24.${encode({})}.c2ln`],
    ['a payload that is an array', `${encode({ alg: 'ES256' })}.${encode([1])}.c2ln`],
    ['a crit header', `${encode({ alg: 'ES256', crit: ['exp'] })}.${encode({})}.c2ln`],
    ['characters outside base64url', `${encode({ alg: 'ES256' })}.${encode({})}.c2l+`],
  ])('refuses %s', (_name, token) => {
    expect(() => parseCompactJws(token)).toThrow(AssertionRefused);
  });
});

describe('unverifiedClaims', () => {
  it('reads the claims once: parseCompactJws takes them over for the same token only', () => {
    const token = `${encode({ alg: 'ES256' })}.${encode({ sub: 'a' })}.c2ln`;
    const claims = unverifiedClaims(token)!;
    expect(claims.payload).toEqual({ sub: 'a' });
    expect(parseCompactJws(token, claims).payload).toBe(claims.payload);
    const other = `${encode({ alg: 'ES256' })}.${encode({ sub: 'b' })}.c2ln`;
    expect(parseCompactJws(other, claims).payload).toEqual({ sub: 'b' });
  });

  it.each([
    ['two parts', `${encode({ alg: 'ES256' })}.${encode({ sub: 'a' })}`],
    ['a payload that is not JSON', `${encode({ alg: 'ES256' })}.bm90IGpzb24.c2ln`],
    ['a payload that is an array', `${encode({ alg: 'ES256' })}.${encode([1])}.c2ln`],
  ])('is null for %s', (_name, token) => {
    expect(unverifiedClaims(token)).toBeNull();
  });
});

describe('signatures', () => {
  it('checks ES256, PS256, RS256 and EdDSA with imported keys, each only with keys that fit', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ed = generateKeyPairSync('ed25519');
    const keys = importKeys({ keys: [{ ...jwkOf(ec.publicKey), kid: 'ec' }, { ...jwkOf(rsa.publicKey), kid: 'rsa' }, { ...jwkOf(ed.publicKey), kid: 'ed' }] });
    expect(candidateKeys(keys, 'ES256', undefined).map((key) => key.kid)).toEqual(['ec']);
    expect(candidateKeys(keys, 'ES384', undefined)).toEqual([]);
    expect(candidateKeys(keys, 'PS256', 'rsa').map((key) => key.kid)).toEqual(['rsa']);
    expect(candidateKeys(keys, 'EdDSA', undefined).map((key) => key.kid)).toEqual(['ed']);
    expect(candidateKeys(keys, 'HS256', undefined)).toEqual([]);
    const key = (kid: string) => keys.find((candidate) => candidate.kid === kid)!.key;
    expect(await asymmetricSignatureValid('ES256', key('ec'), INPUT, sign('sha256', INPUT, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }))).toBe(true);
    expect(await asymmetricSignatureValid('ES256', key('ec'), INPUT, sign('sha256', INPUT, { key: ec.privateKey, dsaEncoding: 'der' }))).toBe(false);
    expect(await asymmetricSignatureValid('RS256', key('rsa'), INPUT, sign('sha256', INPUT, rsa.privateKey))).toBe(true);
    expect(await asymmetricSignatureValid('PS256', key('rsa'), INPUT, sign('sha256', INPUT, rsa.privateKey))).toBe(false);
    expect(await asymmetricSignatureValid('EdDSA', key('ed'), INPUT, sign(null, INPUT, ed.privateKey))).toBe(true);
    expect(await asymmetricSignatureValid('none', key('ec'), INPUT, Buffer.alloc(0))).toBe(false);
  });

  it('leaves out RSA keys under 2048 bits, encryption keys and keys that do not import', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = importKeys({ keys: [jwkOf(small.publicKey), { ...jwkOf(ec.publicKey), use: 'enc' }, { kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad' }] });
    expect(keys).toEqual([]);
  });

  it('checks an HMAC in constant time against the secret', () => {
    const good = createHmac('sha256', 'secret').update(INPUT).digest();
    expect(hmacSignatureValid('HS256', 'secret', INPUT, good)).toBe(true);
    expect(hmacSignatureValid('HS256', 'other', INPUT, good)).toBe(false);
    expect(hmacSignatureValid('HS512', 'secret', INPUT, good)).toBe(false);
    expect(hmacSignatureValid('RS256', 'secret', INPUT, good)).toBe(false);
  });
});
