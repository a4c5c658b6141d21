import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { ADMIN_CLIENT, API_CLIENT, newSigningKey, startOidcProvider, type OidcProviderServer } from '../support/oidc-provider-server.js';

const AUDIENCE = 'http://billing-api.test';

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  expect(await response.json()).toMatchObject({ error: 'invalid_token' });
}

async function expectInsufficientScope(response: Response): Promise<void> {
  expect(response.status).toBe(403);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
}

/** In external mode the registry has no snapshot: ready is /health/ready once the metadata (and keys) are in. */
async function waitUntilReady(rs: RunningResourceServer): Promise<void> {
  for (let attempt = 0; attempt < 1500; attempt++) {
    if ((await rs.request('/health/ready')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the resource server never became ready');
}

function startExternalResourceServer(authServer: OidcProviderServer, env: Record<string, string> = {}): Promise<RunningResourceServer> {
  return startTestResourceServer({ issuer: authServer.issuer, env: { AUTH_SERVER_MODE: 'external', RESOURCE_AUDIENCE: AUDIENCE, ...env } });
}

/** The RS admin API (a token with rs.admin from the same server) switching a client locally. */
async function setEnabled(rs: RunningResourceServer, authServer: OidcProviderServer, clientId: string, enabled: boolean): Promise<void> {
  const adminToken = await authServer.clientCredentialsToken(ADMIN_CLIENT, 'rs.admin');
  const response = await rs.request(`/admin/v1/clients/${clientId}`, { method: 'PATCH', token: adminToken, json: { enabled } });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ clientId, enabled });
}

/** AUTH_SERVER_MODE=external against panva's oidc-provider: JWT access tokens checked by its JWKS. */
describe('resource server: external authorization server, JWT access tokens', () => {
  let authServer: OidcProviderServer;
  let otherIssuer: OidcProviderServer;
  let rs: RunningResourceServer;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    const signingKey = await newSigningKey();
    authServer = await startOidcProvider({ audience: AUDIENCE, accessTokenFormat: 'jwt', signingKey });
    // Same key, another issuer: its tokens pass the signature check and must fail on iss alone.
    otherIssuer = await startOidcProvider({ audience: AUDIENCE, accessTokenFormat: 'jwt', signingKey });
    rs = await startExternalResourceServer(authServer);
    await waitUntilReady(rs);
  });

  afterAll(async () => {
    await rs?.close();
    await otherIssuer?.close();
    await authServer?.close();
  });

  it('is ready without any sync event or snapshot', async () => {
    expect((await rs.request('/health/ready')).status).toBe(200);
    expect(rs.registry().isReady()).toBe(false);
  });

  it('names the external issuer and the algorithms it accepts in its RFC 9728 metadata', async () => {
    const metadata = (await (await rs.request('/.well-known/oauth-protected-resource')).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ resource: AUDIENCE, authorization_servers: [authServer.issuer] });
    expect(metadata.resource_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256', 'EdDSA']));
    expect(metadata.resource_signing_alg_values_supported).not.toContain('HS256');
  });

  it('answers a protected route for a token the server issued for this audience', async () => {
    const token = await authServer.clientCredentialsToken(API_CLIENT, 'reports.read');
    const response = await rs.request('/api/me', { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: API_CLIENT.clientId, clientId: API_CLIENT.clientId, scopes: ['reports.read'] });
    expect((await rs.request('/api/reports', { token })).status).toBe(200);
  });

  it('refuses a token for another audience', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.read', 'http://other-api.test') }));
  });

  it('refuses a token from another issuer, even signed with a known key', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: await otherIssuer.clientCredentialsToken(API_CLIENT, 'reports.read') }));
  });

  it('refuses an expired token', async () => {
    const claims = { iss: authServer.issuer, aud: AUDIENCE, sub: API_CLIENT.clientId, client_id: API_CLIENT.clientId, scope: 'reports.read', jti: 'expired-1' };
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.signWithProviderKey({ ...claims, iat: now() - 900, exp: now() - 300 }) }));
  });

  it('refuses a bad signature', async () => {
    const token = await authServer.clientCredentialsToken(API_CLIENT, 'reports.read');
    const [header, payload, signature] = token.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    await expectInvalidToken(await rs.request('/api/me', { token: `${header}.${payload}.${flipped}` }));
  });

  it('accepts typ JWT as RFC 9068 allows from other servers, and refuses another typ', async () => {
    const claims = { iss: authServer.issuer, aud: AUDIENCE, sub: API_CLIENT.clientId, client_id: API_CLIENT.clientId, scope: 'reports.read', iat: now(), exp: now() + 300 };
    expect((await rs.request('/api/me', { token: await authServer.signWithProviderKey({ ...claims, jti: 'typ-jwt' }, { typ: 'JWT' }) })).status).toBe(200);
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.signWithProviderKey({ ...claims, jti: 'typ-id' }, { typ: 'id+jwt' }) }));
  });

  it('answers 403 insufficient_scope for a token without the route scope', async () => {
    await expectInsufficientScope(await rs.request('/api/reports', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.write') }));
  });

  it('refuses the tokens of a client disabled locally through the RS admin API, until it is enabled again', async () => {
    const token = await authServer.clientCredentialsToken(API_CLIENT, 'reports.read');
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    await setEnabled(rs, authServer, API_CLIENT.clientId, false);
    await expectInvalidToken(await rs.request('/api/me', { token }));
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.read') }));
    await setEnabled(rs, authServer, API_CLIENT.clientId, true);
    expect((await rs.request('/api/me', { token })).status).toBe(200);
  });

  it('keeps the local switch across a restart', async () => {
    await setEnabled(rs, authServer, API_CLIENT.clientId, false);
    await rs.restart();
    await waitUntilReady(rs);
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.read') }));
    await setEnabled(rs, authServer, API_CLIENT.clientId, true);
  });
});

/** TOKEN_VALIDATION=introspection: opaque tokens, the metadata's introspection_endpoint. */
describe('resource server: external authorization server, forward authentication', () => {
  let authServer: OidcProviderServer;
  let rs: RunningResourceServer;
  const dir = mkdtempSync(join(tmpdir(), 'external-forward-auth-'));

  beforeAll(async () => {
    authServer = await startOidcProvider({ audience: AUDIENCE, accessTokenFormat: 'jwt', signingKey: await newSigningKey() });
    const routesFile = join(dir, 'routes.yaml');
    // The scope is the other server's: nothing is synced, so it is not checked against a registry.
    writeFileSync(routesFile, 'routes:\n  - { match: { pathPrefix: /reports }, upstream: "http://127.0.0.1:9", scopes: { allOf: [reports.read] } }\n');
    rs = await startExternalResourceServer(authServer, { RESOURCE_ROUTES_FILE: routesFile });
    await waitUntilReady(rs);
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const verify = (token?: string) => rs.request('/auth/verify', { token, headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/reports/2026' } });

  it('admits the other server\'s token by the route rules, refuses a missing scope and a client disabled locally', async () => {
    const allowed = await verify(await authServer.clientCredentialsToken(API_CLIENT, 'reports.read'));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('x-auth-client-id')).toBe(API_CLIENT.clientId);
    expect(allowed.headers.get('x-auth-scope')).toBe('reports.read');
    expect((await verify()).status).toBe(401);
    await expectInsufficientScope(await verify(await authServer.clientCredentialsToken(API_CLIENT, 'reports.write')));

    await setEnabled(rs, authServer, API_CLIENT.clientId, false);
    // /auth/verify answers problem documents, with the same status and challenge.
    const disabled = await verify(await authServer.clientCredentialsToken(API_CLIENT, 'reports.read'));
    expect(disabled.status).toBe(401);
    expect(disabled.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    await setEnabled(rs, authServer, API_CLIENT.clientId, true);
  });
});

describe('resource server: external authorization server, opaque tokens by introspection', () => {
  let authServer: OidcProviderServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    authServer = await startOidcProvider({ audience: AUDIENCE, accessTokenFormat: 'opaque' });
    rs = await startExternalResourceServer(authServer, { TOKEN_VALIDATION: 'introspection' });
    await waitUntilReady(rs);
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('answers a protected route for an active token', async () => {
    const token = await authServer.clientCredentialsToken(API_CLIENT, 'reports.read');
    expect(token.split('.')).toHaveLength(1);
    const response = await rs.request('/api/reports', { token });
    expect(response.status).toBe(200);
    expect(await (await rs.request('/api/me', { token })).json()).toEqual({ sub: API_CLIENT.clientId, clientId: API_CLIENT.clientId, scopes: ['reports.read'] });
  });

  it('refuses an unknown token and one for another audience', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: 'not-a-token-the-server-issued' }));
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.read', 'http://other-api.test') }));
  });

  it('answers 403 insufficient_scope for a token without the route scope', async () => {
    await expectInsufficientScope(await rs.request('/api/reports', { token: await authServer.clientCredentialsToken(API_CLIENT, 'reports.write') }));
  });

  it('refuses a client disabled locally, cached answers included', async () => {
    const token = await authServer.clientCredentialsToken(API_CLIENT, 'reports.read');
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    await setEnabled(rs, authServer, API_CLIENT.clientId, false);
    await expectInvalidToken(await rs.request('/api/me', { token }));
    await setEnabled(rs, authServer, API_CLIENT.clientId, true);
    expect((await rs.request('/api/me', { token })).status).toBe(200);
  });
});

/** Not ready, and protected routes fail closed, while the authorization server's metadata cannot be read. */
describe('resource server: external authorization server unreachable', () => {
  let rs: RunningResourceServer;

  beforeAll(async () => {
    // A loopback port nothing listens on: the metadata is never fetched.
    const authServer = await startOidcProvider({ audience: AUDIENCE, accessTokenFormat: 'jwt' });
    const issuer = authServer.issuer;
    await authServer.close();
    rs = await startTestResourceServer({ issuer, env: { AUTH_SERVER_MODE: 'external', RESOURCE_AUDIENCE: AUDIENCE } });
  });

  afterAll(async () => {
    await rs?.close();
  });

  it('reports not ready and answers 503 on a protected route', async () => {
    expect((await rs.request('/health/ready')).status).toBe(503);
    expect((await rs.request('/api/me', { token: 'a.b.c' })).status).toBe(503);
  });
});
