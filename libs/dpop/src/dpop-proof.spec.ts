import { describe, expect, it, beforeAll } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { createHmac } from 'node:crypto';
import { verifyDpopProof, replayKey } from './dpop-proof.js';
import { accessTokenHash, jwkThumbprint } from './jwk-thumbprint.js';
import { DpopNonceRequired, DpopProofRefused } from './proof-errors.js';

const NOW = 1_800_000_000;
const URI = 'https://rs.example/api/me';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig';

let privateKey: CryptoKey;
let publicJwk: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  privateJwk = await exportJWK(pair.privateKey);
});

interface ProofSpec {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  key?: CryptoKey;
}

function proof({ header = {}, claims = {}, key = privateKey }: ProofSpec = {}): Promise<string> {
  return new SignJWT({ jti: 'proof-1', htm: 'GET', htu: URI, iat: NOW, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk, ...header } as never)
    .sign(key);
}

const expected = { method: 'GET', uri: URI, nowSeconds: NOW };

async function refusal(header: string | string[] | undefined, overrides: Partial<typeof expected> & Record<string, unknown> = {}): Promise<string> {
  try {
    await verifyDpopProof(header, { ...expected, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(DpopProofRefused);
    return (error as Error).message;
  }
  throw new Error('the proof was accepted');
}

describe('verifyDpopProof (RFC 9449 §4.3)', () => {
  it('accepts a well-formed proof and answers the key thumbprint the token is bound to', async () => {
    const verified = await verifyDpopProof(await proof(), expected);
    expect(verified).toEqual({ jkt: jwkThumbprint(publicJwk as Record<string, unknown>), jti: 'proof-1', iat: NOW, acceptableUntil: NOW + 65 });
    expect(replayKey(verified)).toBe(`dpop:${verified.jkt}:proof-1`);
  });

  it('compares htu without query and fragment, after normalization', async () => {
    await expect(verifyDpopProof(await proof({ claims: { htu: 'HTTPS://RS.example:443/api/me' } }), { ...expected, uri: `${URI}?x=1#f` })).resolves.toBeDefined();
  });

  it('refuses a missing proof, two proofs, and what is not a signed JWT', async () => {
    expect(await refusal(undefined)).toMatch(/missing/);
    const one = await proof();
    expect(await refusal([one, one])).toMatch(/exactly one/);
    expect(await refusal('not-a-jwt')).toMatch(/not a signed JWT/);
    expect(await refusal(`${one.split('.').slice(0, 2).join('.')}.`)).toMatch(/not a signed JWT/);
    expect(await refusal('a'.repeat(9000) + '.b.c')).toMatch(/too large/);
  });

  it('refuses alg none, symmetric algs, and unknown algs', async () => {
    const [, payload] = (await proof()).split('.');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: publicJwk })).toString('base64url');
    expect(await refusal(`${noneHeader}.${payload}.AAAA`)).toMatch(/alg is not supported/);
    const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } })).toString('base64url');
    const mac = createHmac('sha256', 'secret').update(`${hsHeader}.${payload}`).digest('base64url');
    expect(await refusal(`${hsHeader}.${payload}.${mac}`)).toMatch(/alg is not supported/);
  });

  it('refuses a wrong typ, a missing jwk, a private key in jwk, and a key that does not fit its alg', async () => {
    expect(await refusal(await proof({ header: { typ: 'JWT' } }))).toMatch(/typ/);
    expect(await refusal(await proof({ header: { jwk: undefined } }))).toMatch(/lacks its jwk/);
    expect(await refusal(await proof({ header: { jwk: privateJwk } }))).toMatch(/public key/);
    const rsa = await generateKeyPair('RS256', { extractable: true });
    expect(await refusal(await proof({ header: { jwk: await exportJWK(rsa.publicKey) } }))).toMatch(/does not fit|signature/);
  });

  it('refuses a proof signed by another key than its jwk', async () => {
    const other = await generateKeyPair('ES256');
    expect(await refusal(await proof({ key: other.privateKey }))).toMatch(/signature is invalid/);
  });

  it('refuses missing or mismatched claims: jti, htm, htu, iat', async () => {
    expect(await refusal(await proof({ claims: { jti: undefined } }))).toMatch(/jti/);
    expect(await refusal(await proof({ claims: { jti: 'x'.repeat(300) } }))).toMatch(/jti/);
    expect(await refusal(await proof({ claims: { htm: 'POST' } }))).toMatch(/htm/);
    expect(await refusal(await proof({ claims: { htu: 'https://rs.example/api/other' } }))).toMatch(/htu/);
    expect(await refusal(await proof({ claims: { htu: 'https://evil.example/api/me' } }))).toMatch(/htu/);
    expect(await refusal(await proof({ claims: { htu: '/api/me' } }))).toMatch(/htu/);
    expect(await refusal(await proof({ claims: { iat: undefined } }))).toMatch(/iat/);
    expect(await refusal(await proof({ claims: { iat: NOW - 61 } }))).toMatch(/iat/);
    expect(await refusal(await proof({ claims: { iat: NOW + 30 } }))).toMatch(/iat/);
  });

  it('checks ath against the access token sent beside the proof', async () => {
    await expect(verifyDpopProof(await proof({ claims: { ath: accessTokenHash(TOKEN) } }), { ...expected, accessToken: TOKEN })).resolves.toBeDefined();
    expect(await refusal(await proof(), { accessToken: TOKEN })).toMatch(/lacks the ath/);
    expect(await refusal(await proof({ claims: { ath: accessTokenHash('another') } }), { accessToken: TOKEN })).toMatch(/ath does not match/);
  });

  it('asks for the nonce when one is required and the proof has none or a stale one', async () => {
    const nonce = { isCurrent: (value: string) => value === 'n-1' };
    await expect(verifyDpopProof(await proof({ claims: { nonce: 'n-1' } }), { ...expected, nonce })).resolves.toBeDefined();
    await expect(verifyDpopProof(await proof(), { ...expected, nonce })).rejects.toBeInstanceOf(DpopNonceRequired);
    await expect(verifyDpopProof(await proof({ claims: { nonce: 'n-0' } }), { ...expected, nonce })).rejects.toBeInstanceOf(DpopNonceRequired);
  });
});
