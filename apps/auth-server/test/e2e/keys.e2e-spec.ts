import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { createAuthServer } from '../../src/bootstrap.js';
import { KeyStore } from '../../src/keys/key-store.js';
import { accessTokenFor, createClient, sql, type TestClient } from '../support/token-fixtures.js';

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

  it('MD-3: the JWKS has one ES256 key, public members only, with a short max-age', async () => {
    const response = await server.request('/oauth/jwks');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=5');
    const body = (await response.json()) as JSONWebKeySet;
    expect(body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' }]);
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
    const { kid: newKid } = (await rotate.json()) as { kid: string };
    expect((await jwks()).keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    expect(decodeProtectedHeader(await accessTokenFor(server, client)).kid).toBe(oldKid);

    const listed = (await (await server.request('/admin/v1/keys', { headers: { authorization: server.adminAuthorization } })).json()) as {
      items: { kid: string; status: string }[];
    };
    expect(listed.items.map(({ kid, status }) => ({ kid, status }))).toEqual([
      { kid: oldKid, status: 'active' },
      { kid: newKid, status: 'pending' },
    ]);

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

  it('two instances booting together create one key; a rotation by one reaches the other', async () => {
    await sql(server, 'DELETE FROM signing_keys');
    const [first, second] = await Promise.all([createAuthServer(server.config), createAuthServer(server.config)]);
    try {
      await Promise.all([first.init(), second.init()]);
      expect(await sql(server, 'SELECT kid FROM signing_keys')).toHaveLength(1);
      const kid = await first.get(KeyStore).rotate(0);
      await new Promise((resolve) => setTimeout(resolve, 5500));
      expect(
        second
          .get(KeyStore)
          .publicJwks()
          .keys.map((key) => key.kid),
      ).toContain(kid);
      expect((await second.get(KeyStore).signingMaterial()).kid).toBe(kid);
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
      response_types_supported: ['code', 'token'],
      response_modes_supported: ['query', 'fragment'],
      grant_types_supported: ['authorization_code', 'implicit', 'client_credentials', 'password', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      // Other modules seed scopes of their own (admin, rs.admin) at boot.
      scopes_supported: expect.arrayContaining(['read', 'write']),
    });
  });

  it('MD-5: POST, PUT and DELETE on the metadata and the JWKS are 405', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/oauth/jwks']) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await server.request(path, { method });
        expect(response.status).toBe(405);
        expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'method not allowed' });
      }
    }
  });
});
