import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_RESOURCE_CLIENT } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** TOKEN_VALIDATION=introspection: RFC 7662 at the auth server, briefly cached, projection still enforced. */
describe('resource server: introspection mode', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, TOKEN_VALIDATION: 'introspection' } });
    await rs.waitUntilReady();
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('accepts an active token, authenticating as its own client, and caches the answer', async () => {
    authServer.introspection.set('opaque-1', {
      active: true,
      sub: 'bob',
      client_id: 'app',
      scope: 'reports.read',
      token_type: 'Bearer',
      aud: AUDIENCE,
      iss: authServer.issuer,
      iat: now(),
      exp: now() + 300,
      gid: 'g1',
    });
    const before = authServer.introspectionRequests;
    const response = await rs.request('/api/me', { token: 'opaque-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'bob', clientId: 'app', scopes: ['reports.read'] });
    expect((await rs.request('/api/me', { token: 'opaque-1' })).status).toBe(200);
    expect(authServer.introspectionRequests).toBe(before + 1);
    const expected = `Basic ${Buffer.from(`${TEST_RESOURCE_CLIENT.clientId}:${TEST_RESOURCE_CLIENT.clientSecret}`).toString('base64')}`;
    expect(authServer.lastIntrospectionAuthorization).toBe(expected);
  });

  it('refuses an inactive token and one meant for another audience', async () => {
    expect((await rs.request('/api/me', { token: 'unknown-token' })).status).toBe(401);
    authServer.introspection.set('other-aud', {
      active: true,
      sub: 'bob',
      client_id: 'app',
      scope: '',
      token_type: 'Bearer',
      aud: 'http://other.test',
      exp: now() + 300,
    });
    expect((await rs.request('/api/me', { token: 'other-aud' })).status).toBe(401);
  });

  it('refuses an access token whose answer names no audience, or an audience list without this resource', async () => {
    const answer = { active: true, sub: 'bob', client_id: 'app', scope: 'reports.read', token_type: 'Bearer', iat: now(), exp: now() + 300 };
    authServer.introspection.set('no-aud', answer);
    authServer.introspection.set('aud-list-without-us', { ...answer, aud: ['http://other.test', 'http://third.test'] });
    authServer.introspection.set('aud-list-with-us', { ...answer, aud: ['http://other.test', AUDIENCE] });
    for (const token of ['no-aud', 'aud-list-without-us']) {
      const response = await rs.request('/api/me', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    expect((await rs.request('/api/me', { token: 'aud-list-with-us' })).status).toBe(200);
  });

  it('item 4: refuses a refresh token as a bearer token, and any answer that is not an access token', async () => {
    // What the auth server answers for one of its refresh tokens: active, no aud, token_type refresh_token.
    const refresh = {
      active: true,
      scope: 'reports.read',
      client_id: 'app',
      username: 'bob',
      token_type: 'refresh_token',
      iat: now(),
      sub: 'bob',
      iss: authServer.issuer,
    };
    authServer.introspection.set('a-refresh-token', refresh);
    authServer.introspection.set('refresh-with-aud', { ...refresh, aud: AUDIENCE });
    authServer.introspection.set('no-token-type', { ...refresh, token_type: undefined, aud: AUDIENCE });
    for (const token of ['a-refresh-token', 'refresh-with-aud', 'no-token-type']) {
      const response = await rs.request('/api/me', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    authServer.introspection.set('lowercase-bearer', { ...refresh, token_type: 'bearer', aud: AUDIENCE });
    expect((await rs.request('/api/me', { token: 'lowercase-bearer' })).status).toBe(200);
  });

  it('drops its cache on a sync event, so a revocation at the auth server is seen at once', async () => {
    authServer.introspection.set('opaque-2', {
      active: true,
      sub: 'bob',
      client_id: 'app',
      scope: 'reports.read',
      token_type: 'Bearer',
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 300,
    });
    expect((await rs.request('/api/me', { token: 'opaque-2' })).status).toBe(200);
    authServer.introspection.delete('opaque-2');
    rs.publish(envelope(1, 'tokens.revoked', 1, { clientId: 'app', grantIds: ['unrelated'], expiresAt: null }));
    await rs.waitForSeq(1, 1000);
    expect((await rs.request('/api/me', { token: 'opaque-2' })).status).toBe(401);
  });
});
