import { describe, expect, it, beforeAll } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { MemoryReplayStore } from '#dpop';
import type { Client } from '../clients/client.js';
import type { SettingsService } from '../settings/settings.service.js';
import { AssertionRefused } from './assertion-refused.js';
import { ClientAssertionVerifier, MAX_ASSERTION_LIFETIME_SECONDS } from './client-assertion-verifier.js';
import { ClientKeys } from './client-keys.js';

const NOW = 1_800_000_000;
const ISSUER = 'https://as.example';

let privateKey: CryptoKey;
let client: Client;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  client = { clientId: 'app', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k' }] }, jwksUri: null } as unknown as Client;
});

function verifier(): ClientAssertionVerifier {
  return new ClientAssertionVerifier(new ClientKeys({} as SettingsService), new MemoryReplayStore(1000, () => NOW));
}

function assertion(claims: Record<string, unknown> = {}, subject = 'app'): Promise<string> {
  return new SignJWT({ iss: subject, sub: subject, aud: ISSUER, jti: 'j-1', iat: NOW, exp: NOW + 60, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(privateKey);
}

async function refusal(check: ClientAssertionVerifier, jwt: string, on: Client = client): Promise<string> {
  try {
    await check.verify(on, jwt, { audiences: [ISSUER], nowSeconds: NOW });
  } catch (error) {
    if (error instanceof AssertionRefused) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('ClientAssertionVerifier', () => {
  it('accepts exp up to 5 minutes ahead (and the 5 s skew), not a second more', async () => {
    expect(await refusal(verifier(), await assertion({ exp: NOW + MAX_ASSERTION_LIFETIME_SECONDS + 5 }))).toBe('accepted');
    expect(await refusal(verifier(), await assertion({ exp: NOW + MAX_ASSERTION_LIFETIME_SECONDS + 6 }))).toMatch(/300 s ahead/);
  });

  it('accepts iat within the skew, refuses it beyond; refuses an empty or overlong jti', async () => {
    expect(await refusal(verifier(), await assertion({ iat: NOW + 5 }))).toBe('accepted');
    expect(await refusal(verifier(), await assertion({ iat: NOW + 6 }))).toMatch(/future|iat/);
    expect(await refusal(verifier(), await assertion({ jti: '' }))).toMatch(/jti/);
    expect(await refusal(verifier(), await assertion({ jti: 'x'.repeat(257) }))).toMatch(/jti/);
  });

  it('remembers a jti per client: the same jti of another client is no replay', async () => {
    const check = verifier();
    expect(await refusal(check, await assertion())).toBe('accepted');
    expect(await refusal(check, await assertion())).toMatch(/replayed/);
    const other = { ...client, clientId: 'other' } as Client;
    expect(await refusal(check, await assertion({}, 'other'), other)).toBe('accepted');
  });

  it('refuses an assertion for a client that authenticates otherwise', async () => {
    const basic = { ...client, tokenEndpointAuthMethod: 'client_secret_basic' } as Client;
    expect(await refusal(verifier(), await assertion(), basic)).toMatch(/client_secret_basic, not a client assertion/);
  });
});
