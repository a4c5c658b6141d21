import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { createAuthServer } from '../../src/bootstrap.js';
import { KeyStore } from '../../src/keys/key-store.js';
import { accessTokenFor, createClient, sql, type TestClient } from '../support/token-fixtures.js';

/** The asymmetric algorithms of private_key_jwt (client-assertion-algs.ts), as advertised. */
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);


describe('signing keys, JWKS and metadata', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  async function jwks(): Promise<JSONWebKeySet> {
    return (await (await server.request('/oauth/jwks')).json()) as JSONWebKeySet;
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { scopes: ['read', 'write'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('MD-3: the JWKS has one ES256 and one RS256 key, public members only, with a short max-age', async () => {
    const response = await server.request('/oauth/jwks');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=5');
    const body = (await response.json()) as JSONWebKeySet;
    expect(body.keys).toEqual([
      { kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' },
      { kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' },
    ]);
  });

  it('MD-4: rotation publishes the new kid before it signs; old tokens keep verifying', async () => {
    const oldToken = await accessTokenFor(server, client);
    const oldKid = decodeProtectedHeader(oldToken).kid;
    const rotate = await server.request('/admin/v1/keys/rotate', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { activationDelaySeconds: 2 },
    });
    expect(rotate.status).toBe(201);
    const { kid: newKid, kids } = (await rotate.json()) as { kid: string; kids: { ES256: string; RS256: string } };
    expect(kids.ES256).toBe(newKid);
    const oldRsaKid = (await jwks()).keys.find((key) => key.alg === 'RS256' && key.kid !== kids.RS256)?.kid;
    expect((await jwks()).keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid, oldRsaKid, kids.RS256].sort());
    expect(decodeProtectedHeader(await accessTokenFor(server, client)).kid).toBe(oldKid);

    const listed = (await (await server.request('/admin/v1/keys', { headers: { authorization: server.adminAuthorization } })).json()) as {
      items: { kid: string; alg: string; status: string }[];
    };
    expect(listed.items.map(({ kid, alg, status }) => ({ kid, alg, status }))).toEqual(
      expect.arrayContaining([
        { kid: oldKid, alg: 'ES256', status: 'active' },
        { kid: oldRsaKid, alg: 'RS256', status: 'active' },
        { kid: newKid, alg: 'ES256', status: 'pending' },
        { kid: kids.RS256, alg: 'RS256', status: 'pending' },
      ]),
    );
    expect(listed.items).toHaveLength(4);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const newToken = await accessTokenFor(server, client);
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    const keySet = createLocalJWKSet(await jwks());
    await expect(jwtVerify(oldToken, keySet, { issuer: server.config.issuer })).resolves.toBeDefined();
    await expect(jwtVerify(newToken, keySet, { issuer: server.config.issuer })).resolves.toBeDefined();
  });

  it('keeps the active key across a restart', async () => {
    const before = (await jwks()).keys.map((key) => key.kid).sort();
    await server.restart();
    expect((await jwks()).keys.map((key) => key.kid).sort()).toEqual(before);
  });

  it('two instances booting together create one key per algorithm; a rotation by one reaches the other', async () => {
    await sql(server, 'DELETE FROM signing_keys');
    const [first, second] = await Promise.all([createAuthServer(server.config), createAuthServer(server.config)]);
    try {
      await Promise.all([first.init(), second.init()]);
      expect(await sql(server, 'SELECT alg FROM signing_keys ORDER BY alg')).toEqual([{ alg: 'ES256' }, { alg: 'RS256' }]);
      const { ES256: kid, RS256: rsaKid } = await first.get(KeyStore).rotate(0);
      await new Promise((resolve) => setTimeout(resolve, 5500));
      expect(
        second
          .get(KeyStore)
          .publicJwks()
          .keys.map((key) => key.kid),
      ).toContain(kid);
      expect((await second.get(KeyStore).signingMaterial()).kid).toBe(kid);
      expect((await second.get(KeyStore).signingMaterial('RS256')).kid).toBe(rsaKid);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('the admin keys API requires admin credentials', async () => {
    const response = await server.request('/admin/v1/keys/rotate', { method: 'POST' });
    expect(response.status).toBe(401);
  });

  it('MD-1/MD-2: the RFC 8414 metadata lists every endpoint, grant and scope', async () => {
    const response = await server.request('/.well-known/oauth-authorization-server');
    expect(response.status).toBe(200);
    const issuer = server.config.issuer;
    expect(await response.json()).toEqual({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/oauth/jwks`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      response_types_supported: ['code', 'token', 'id_token', 'id_token token'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'password', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:device_code'],
      // RFC 7523 (client-assertion.e2e-spec.ts): client_secret_jwt only with CLIENT_SECRET_ENCRYPTION_KEY, unset here.
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
      introspection_signing_alg_values_supported: ['ES256'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
      code_challenge_methods_supported: ['S256'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'],
      require_pushed_authorization_requests: false,
      authorization_response_iss_parameter_supported: true,
      // Other modules seed scopes of their own (admin, rs.admin, the OpenID Connect ones) at boot.
      scopes_supported: expect.arrayContaining(['read', 'write', 'openid']),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      claims_supported: [
        ...['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp'],
        ...['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender'],
        ...['birthdate', 'zoneinfo', 'locale', 'updated_at', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'address'],
      ],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
  });

  it('MD-5: POST, PUT and DELETE on the metadata and the JWKS are 405', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/oauth/jwks']) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await server.request(path, { method });
        expect(response.status).toBe(405);
        expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'method not allowed' });
      }
    }
  });
});
