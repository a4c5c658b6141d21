import { describe, expect, it } from '@jest/globals';
import { accessTokenHash, idTokenPayload } from './id-token.js';

const FACTS = { issuer: 'https://as.example', subject: 'alice', clientId: 'app', issuedAt: 1000, expiresAt: 4600, authTime: 900 };

describe(idTokenPayload.name, () => {
  it('carries the OIDC Core §2 claims, auth_time always, no nonce or at_hash unless given', () => {
    expect(idTokenPayload(FACTS)).toEqual({ iss: 'https://as.example', sub: 'alice', aud: 'app', exp: 4600, iat: 1000, auth_time: 900 });
  });

  it('echoes the nonce and hashes the access token issued with it', () => {
    expect(idTokenPayload({ ...FACTS, nonce: 'n-0S6_WzA2Mj', accessToken: 'jHkWEdUXMU1BwAsC4vtUsZwnNcEzRkqyC' })).toMatchObject({
      nonce: 'n-0S6_WzA2Mj',
      at_hash: accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNcEzRkqyC'),
    });
    expect(idTokenPayload({ ...FACTS, nonce: null })).not.toHaveProperty('nonce');
  });

  it('names the client in azp only when the audience holds more than the client', () => {
    expect(idTokenPayload({ ...FACTS, extraAudiences: ['app'] })).not.toHaveProperty('azp');
    expect(idTokenPayload({ ...FACTS, extraAudiences: ['https://api.example'] })).toMatchObject({ aud: ['app', 'https://api.example'], azp: 'app' });
  });
});

describe(accessTokenHash.name, () => {
  it('is the base64url of the left 128 bits of the SHA-256 of the token', () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a396177a9cb410ff61f20015ad
    expect(accessTokenHash('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223', 'hex').toString('base64url'));
    expect(accessTokenHash('abc')).toHaveLength(22);
  });
});
