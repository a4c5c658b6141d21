import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';
import { ACCESS_TOKEN_TYP } from '#oauth';
import type { AuthServerConfig } from '../config/auth-server.config.js';
import type { KeyStore } from '../keys/key-store.js';
import { AccessTokenVerifier, MAX_REMEMBERED, REMEMBER_MS } from './access-token-verifier.js';

const ISSUER = 'https://as.example';
const T0 = Date.UTC(2026, 11, 5, 12);

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const verificationKey = jest.fn(async (kid: string) => (kid === 'k1' ? publicKey : null));
  const sut = new AccessTokenVerifier({ verificationKey } as unknown as KeyStore, { issuer: ISSUER } as AuthServerConfig);
  const token = (n: number) =>
    new SignJWT({ gid: `g${n}`, client_id: 'c1', scope: 'read', sub: 'u1' })
      .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: 'k1' })
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(T0 / 1000))
      .setExpirationTime(Math.floor(T0 / 1000) + 3600)
      .sign(privateKey);
  const remembered = () => (sut as unknown as { verified: Map<string, unknown> }).verified.size;
  return { sut, token, remembered, privateKey };
}

describe(AccessTokenVerifier.name, () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('check(): a refused token signed with a published key (expired, or not an access token) reads as signed here (IN-7)', async () => {
    const { sut, token, privateKey } = await setup();
    const good = await token(1);
    jest.setSystemTime(T0 + 2 * 3600 * 1000);
    expect(await sut.check(good)).toEqual({ claims: null, signedHere: true });
    jest.setSystemTime(T0);
    const idTokenLike = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k1' }).setIssuer(ISSUER).sign(privateKey);
    const withoutGrant = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: 'k1' }).setIssuer(ISSUER).sign(privateKey);
    for (const refused of [idTokenLike, withoutGrant]) expect(await sut.check(refused)).toEqual({ claims: null, signedHere: true });
  });

  it('check(): a forgery under our kid, an unknown kid and garbage are not signed here', async () => {
    const { sut, token } = await setup();
    const [header, payload, signature] = (await token(1)).split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${signature}`;
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: 'k1' }).setIssuer(ISSUER).sign(privateKey);
    const unknownKid = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYP, kid: 'k2' }).setIssuer(ISSUER).sign(privateKey);
    for (const refused of [tampered, foreign, unknownKid, `${header}.${payload}`, 'a.b.c', 'garbage']) expect(await sut.check(refused)).toEqual({ claims: null, signedHere: false });
    expect(await sut.check(await token(2))).toMatchObject({ claims: { gid: 'g2' }, signedHere: true });
  });

  it('verifies one of our tokens and refuses a tampered one', async () => {
    const { sut, token } = await setup();
    const good = await token(1);
    expect(await sut.verify(good)).toMatchObject({ gid: 'g1', client_id: 'c1' });
    expect(await sut.verify(`${good.slice(0, -2)}AA`)).toBeNull();
  });

  it('forgets tokens past their deadline when it remembers new ones, instead of filling to its bound', async () => {
    const { sut, token, remembered } = await setup();
    for (let n = 0; n < 3; n++) expect(await sut.verify(await token(n))).not.toBeNull();
    expect(remembered()).toBe(3);
    jest.setSystemTime(T0 + REMEMBER_MS + 1);
    expect(await sut.verify(await token(3))).not.toBeNull();
    expect(remembered()).toBe(1);
  });

  it('never holds more than its bound', async () => {
    const { sut, token, remembered } = await setup();
    const verified = (sut as unknown as { verified: Map<string, { payload: unknown; kid: string; deadline: number }> }).verified;
    for (let n = 0; n < MAX_REMEMBERED; n++) verified.set(`t${n}`, { payload: {}, kid: 'k1', deadline: T0 + REMEMBER_MS });
    expect(await sut.verify(await token(1))).not.toBeNull();
    expect(remembered()).toBe(MAX_REMEMBERED);
    expect(verified.has('t0')).toBe(false);
  });
});
