import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64url, exportSPKI, importJWK, type CryptoKey } from 'jose';
import { eventually } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** SECURITY-CHECKLIST §1.8, RS-1 to RS-10, against the real resource server. */
describe('resource server: bearer token validation', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  async function expectInvalidToken(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  }

  it('serves RFC 9728 protected resource metadata', async () => {
    const response = await rs.request('/.well-known/oauth-protected-resource');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      resource: AUDIENCE,
      authorization_servers: [authServer.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['reports.read', 'reports.write', 'rs.admin'],
      resource_signing_alg_values_supported: ['ES256'],
    });
  });

  it('answers /api/me for a valid token', async () => {
    const response = await rs.request('/api/me', { token: await authServer.sign({ sub: 'alice', scope: 'reports.read unknown.scope' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'alice', clientId: 'app', scopes: ['reports.read'] });
  });

  it('RS-1: no Authorization header gets a bare Bearer challenge', async () => {
    const response = await rs.request('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('RS-2: a token in the query or in the body is refused', async () => {
    const token = await authServer.sign();
    expect((await rs.request(`/api/me?access_token=${token}`)).status).toBe(400);
    expect((await rs.request('/api/reports', { method: 'POST', json: { access_token: token, title: 'x' } })).status).toBe(400);
  });

  it.each([['Bearer'], ['Bearer a b'], ['Bearer not/b64"url']])('RS-3: %j is a 400 invalid_request', async (authorization) => {
    const response = await rs.request('/api/me', { headers: { authorization } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it.each([['bearer'], ['BEARER']])('RS-4: the %s scheme is accepted', async (scheme) => {
    const response = await rs.request('/api/me', { headers: { authorization: `${scheme} ${await authServer.sign()}` } });
    expect(response.status).toBe(200);
  });

  it('RS-5: an expired token is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({ iat: now - 600, exp: now - 120 }) }));
  });

  it('RS-5: nbf or iat in the future beyond the skew is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({ nbf: now + 120 }) }));
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({ iat: now + 120, exp: now + 600 }) }));
  });

  it('F-15: admits a token from an auth server whose clock is up to 30 s off (clockTolerance), either way', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = await authServer.sign({ iat: now + 20, nbf: now + 20, exp: now + 600 });
    expect((await rs.request('/api/me', { token: ahead })).status).toBe(200);
    const behind = await authServer.sign({ iat: now - 600, exp: now - 20 });
    expect((await rs.request('/api/me', { token: behind })).status).toBe(200);
  });

  it('RS-6: a tampered signature is refused', async () => {
    const [header, payload, signature] = (await authServer.sign()).split('.');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    await expectInvalidToken(await rs.request('/api/me', { token: `${header}.${payload}.${flipped}` }));
  });

  it('RS-6: a changed payload under the original signature is refused', async () => {
    const [header, , signature] = (await authServer.sign()).split('.');
    const payload = base64url.encode(
      JSON.stringify({ iss: authServer.issuer, aud: AUDIENCE, sub: 'mallory', client_id: 'app', scope: 'rs.admin', iat: 1, jti: 'x' }),
    );
    await expectInvalidToken(await rs.request('/api/me', { token: `${header}.${payload}.${signature}` }));
  });

  it('RS-6: alg none is refused', async () => {
    const [, payload] = (await authServer.sign()).split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
    await expectInvalidToken(await rs.request('/api/me', { token: `${header}.${payload}.` }));
  });

  it('RS-6: HS256 signed with the public key is refused', async () => {
    const [, payload] = (await authServer.sign()).split('.');
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: authServer.kid }));
    const pem = await exportSPKI((await importJWK(authServer.publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    await expectInvalidToken(await rs.request('/api/me', { token: `${header}.${payload}.${signature}` }));
  });

  it('RS-6: an unknown kid is refused', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({}, { kid: 'unknown-kid' }) }));
  });

  it('RS-7: a wrong issuer or audience is refused', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({ iss: 'http://evil.test' }) }));
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({ aud: 'http://other-rs.test' }) }));
  });

  it.each([['JWT'], ['id_token+jwt']])('RS-8: typ %s is refused', async (typ) => {
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({}, { typ }) }));
  });

  it('RS-8: a token without typ is refused', async () => {
    await expectInvalidToken(await rs.request('/api/me', { token: await authServer.sign({}, { typ: undefined }) }));
  });

  it('RS-9: an unknown crit extension is refused', async () => {
    const token = await authServer.sign({}, { crit: ['urn:example:ext'], 'urn:example:ext': true }, { 'urn:example:ext': true });
    await expectInvalidToken(await rs.request('/api/me', { token }));
  });

  it('RS-10: a missing scope is 403 insufficient_scope naming the scope', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await rs.request('/api/reports', { token })).status).toBe(200);
    const response = await rs.request('/api/reports', { method: 'POST', token, json: { title: 'Q3' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="reports.write"');
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('a token with the scope can write', async () => {
    const response = await rs.request('/api/reports', { method: 'POST', token: await authServer.sign({ scope: 'reports.write' }), json: { title: 'Q3' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ title: 'Q3', createdBy: 'app' });
  });

  it('the admin API refuses without rs.admin, as problem+json with the challenge', async () => {
    const none = await rs.request('/admin/v1/clients');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const weak = await rs.request('/admin/v1/clients', { token: await authServer.sign({ scope: 'reports.read' }) });
    expect(weak.status).toBe(403);
    expect(weak.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(weak.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="rs.admin"');
  });

  it('fetches the JWKS once and caches it across tokens', async () => {
    const before = authServer.jwksRequests;
    for (let i = 0; i < 5; i++) expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);
    expect(authServer.jwksRequests).toBe(before);
  });
});

/**
 * SECURITY-CHECKLIST F-15: the auth server's JWKS unreachable when the resource server starts (a
 * proxy in front of the stand-in refuses /oauth/jwks and passes everything else on).
 */
describe('resource server: JWKS unreachable at start (F-15)', () => {
  let authServer: FakeAuthServer;
  let proxy: Server;
  let jwksDown = true;
  const jwksUnavailable = (response: ServerResponse) => response.writeHead(503).end();
  let jwksDownAnswer: (response: ServerResponse) => void = jwksUnavailable;
  let rs: RunningResourceServer;
  let proxyUrl: string;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    proxy = createServer((request, response) => {
      if (request.url === '/oauth/jwks' && jwksDown) return void jwksDownAnswer(response);
      fetch(authServer.issuer + request.url, { method: request.method, headers: { authorization: request.headers.authorization ?? '' } })
        .then(async (answer) => response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => response.writeHead(502).end());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, AUTH_SERVER_URL: proxyUrl } });
  });

  afterAll(async () => {
    await rs?.close();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await authServer?.close();
  });

  it('without keys it admits no token ("try again later", not "invalid"); once it has them it keeps serving while the JWKS is down again', async () => {
    await rs.waitUntilReady();
    const status = async () => (await rs.request('/api/me', { token: await authServer.sign() })).status;
    expect(await status()).toBe(503);
    jwksDown = false;
    expect(await status()).toBe(200);
    jwksDown = true;
    expect(await status()).toBe(200);
    expect((await rs.request('/health/ready')).status).toBe(200);
  });

  it.each<[string, (response: ServerResponse) => void]>([
    ['a 200 that is not JSON', (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>')],
    ['a 200 JSON that is not a key set', (response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{}')],
    ['a redirect', (response) => response.writeHead(302, { location: 'http://127.0.0.1:9/login' }).end()],
  ])('F-15: a JWKS endpoint answering %s means the keys are missing: 503, never 401', async (_answer, answer) => {
    jwksDownAnswer = answer;
    const fresh = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, AUTH_SERVER_URL: proxyUrl } });
    try {
      await fresh.waitUntilReady();
      const response = await fresh.request('/api/me', { token: await authServer.sign() });
      expect(response.status).toBe(503);
      expect((await fresh.request('/health/ready')).status).toBe(503);
    } finally {
      jwksDownAnswer = jwksUnavailable;
      await fresh.close();
    }
  });

  it('is not ready while it has never fetched the JWKS, and becomes ready once the keys come, before any token', async () => {
    const fresh = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, AUTH_SERVER_URL: proxyUrl } });
    try {
      await fresh.waitUntilReady();
      const notReady = await fresh.request('/health/ready');
      expect(notReady.status).toBe(503);
      expect(JSON.stringify(await notReady.json())).toContain('the authorization server keys have not been fetched yet');
      jwksDown = false;
      await eventually(async () => (await fresh.request('/health/ready')).status === 200, 15_000, 'the keys to be fetched in the background');
      expect((await fresh.request('/api/me', { token: await authServer.sign() })).status).toBe(200);
    } finally {
      jwksDown = true;
      await fresh.close();
    }
  });
});
