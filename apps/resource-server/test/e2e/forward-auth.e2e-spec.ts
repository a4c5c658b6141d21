import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { metricValue } from '#testing';
import { tmpdir } from 'node:os';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestApplication } from '@nestjs/core';
import { ForwardAuthController } from '../../src/forward-auth/forward-auth.controller.js';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';
import { AUDIENCE, clientSnapshot, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

const UPSTREAM = 'http://127.0.0.1:9';
/** Every refused route below is under /reports: its 401s name that route's RFC 9728 document. */
const RESOURCE_METADATA = `resource_metadata="${AUDIENCE}/.well-known/oauth-protected-resource/reports"`;

/** Issue 14 item 2: GET /auth/verify applies RESOURCE_ROUTES_FILE to the request a proxy describes. */
describe('resource server: forward authentication (GET /auth/verify)', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  let adminToken: string;
  // Before the boot, since Nest takes the controller's method when it registers the route, and
  // with the method's route metadata, which Nest reads from the function itself.
  const declared = ForwardAuthController.prototype.verify;
  const viaNest = jest.spyOn(ForwardAuthController.prototype, 'verify');
  for (const key of Reflect.getMetadataKeys(declared)) Reflect.defineMetadata(key, Reflect.getMetadata(key, declared), ForwardAuthController.prototype.verify);

  beforeAll(async () => {
    stack = await startRoutedResourceServer([
      `  - { match: { pathPrefix: /reports, methods: [GET] }, upstream: "${UPSTREAM}", scopes: { allOf: [reports.read] } }`,
      `  - { match: { pathPrefix: /reports, methods: [POST] }, upstream: "${UPSTREAM}", scopes: { anyOf: [reports.write, rs.admin] } }`,
      `  - { match: { pathPrefix: /reports/admin }, upstream: "${UPSTREAM}", scopes: { allOf: [rs.admin] } }`,
      `  - { match: { pathPrefix: /status }, upstream: "${UPSTREAM}", scopes: public }`,
      `  - { match: { pathPrefix: /anyone }, upstream: "${UPSTREAM}", scopes: { allOf: [] } }`,
    ]);
    ({ rs, authServer } = stack);
    adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
  });

  afterAll(async () => {
    await stack?.close();
    viaNest.mockRestore();
  });

  function verify(method: string, uri: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
    return rs.request('/auth/verify', { token, headers: { 'x-forwarded-method': method, 'x-forwarded-uri': uri, ...headers } });
  }

  it('answers 200 with the X-Auth-* headers for a token with the route scope', async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read reports.write', jti: 'token-1' });
    const response = await verify('GET', '/reports/2026?format=csv', token);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe('alice');
    expect(response.headers.get('x-auth-client-id')).toBe('app');
    expect(response.headers.get('x-auth-scope')).toBe('reports.read reports.write');
    expect(response.headers.get('x-auth-token-id')).toBe('token-1');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("is answered by its Fastify handler, never through Nest's pipeline (ForwardAuthRoute), refusals included", async () => {
    viaNest.mockClear();
    expect((await verify('GET', '/reports', await authServer.sign({ scope: 'reports.read' }))).status).toBe(200);
    const refused = await verify('GET', '/reports');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect((await rs.request('/auth/verify', { method: 'HEAD', token: await authServer.sign(), headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/reports' } })).status).toBe(200);
    expect(viaNest).not.toHaveBeenCalled();
  });

  it('reads X-Original-URI (nginx) as well, and the method in any case', async () => {
    const response = await rs.request('/auth/verify', {
      token: await authServer.sign(),
      headers: { 'x-forwarded-method': 'get', 'x-original-uri': '/reports' },
    });
    expect(response.status).toBe(200);
  });

  it('gives the Bearer challenge of a protected route without a token, naming the RFC 9728 metadata', async () => {
    const response = await verify('GET', '/reports');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer ${RESOURCE_METADATA}`);
    expect(response.headers.get('x-auth-subject')).toBeNull();
  });

  it('admits at its first check a client registered a moment ago: the registry loads the snapshot again', async () => {
    const snapshot = authServer.snapshot!;
    authServer.snapshot = { ...snapshot, clients: [...snapshot.clients, clientSnapshot({ clientId: 'agent-fa', name: 'Agent', scopes: ['reports.read'] })] };
    const response = await verify('GET', '/reports', await authServer.sign({ client_id: 'agent-fa', scope: 'reports.read' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-client-id')).toBe('agent-fa');
  });

  it('refuses a bad token with invalid_token', async () => {
    const response = await verify('GET', '/reports', 'not-a-jwt');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(response.headers.get('www-authenticate')).toContain(`, ${RESOURCE_METADATA}`);
  });

  it('answers 403 insufficient_scope naming the route scopes (allOf and anyOf)', async () => {
    const readOnly = await authServer.sign({ scope: 'reports.read' });
    const write = await verify('POST', '/reports', readOnly);
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="reports.write rs.admin"');
    const admin = await verify('GET', '/reports/admin/users', readOnly);
    expect(admin.status).toBe(403);
    expect(admin.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="rs.admin"');
    expect((await verify('POST', '/reports', await authServer.sign({ scope: 'reports.write' }))).status).toBe(200);
    expect((await verify('GET', '/reports/admin', adminToken)).status).toBe(200);
  });

  it('lets any admitted token through allOf: [], and anyone through a public route without X-Auth-*', async () => {
    expect((await verify('DELETE', '/anyone/x', await authServer.sign({ scope: '' }))).status).toBe(200);
    const open = await verify('PUT', '/status/x', undefined, { 'x-auth-subject': 'forged' });
    expect(open.status).toBe(200);
    expect(open.headers.get('x-auth-subject')).toBeNull();
  });

  it('answers 404 without a route and 405 with Allow for a method the route does not allow', async () => {
    const token = await authServer.sign();
    const none = await verify('GET', '/reportsx', token);
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const method = await verify('DELETE', '/reports/1', token);
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it.each(['/status/..%2freports', '/status/%2e%2e/reports', '/status/../reports', '//reports', '/status;x/../reports', '/status/%252e%252e/reports'])(
    'refuses the ambiguous path %s with 400 before any route',
    async (uri) => {
      const response = await verify('GET', uri);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ title: 'Bad request path' });
    },
  );

  it('refuses a missing or ambiguous description of the request', async () => {
    const token = await authServer.sign();
    expect((await rs.request('/auth/verify', { token, headers: { 'x-forwarded-uri': '/reports' } })).status).toBe(400);
    expect((await rs.request('/auth/verify', { token, headers: { 'x-forwarded-method': 'GET' } })).status).toBe(400);
    expect((await verify('GET', '/reports', token, { 'x-original-uri': '/status' })).status).toBe(400);
    expect((await verify('GET', '/reports?access_token=x', token)).status).toBe(400);
  });

  describe("Envoy's HTTP ext_authz form: the original method on /auth/verify/<original path>", () => {
    /**
     * The check request as Envoy's ext_authz http_service (path_prefix: /auth/verify) sends it: the
     * original method, the prefix followed by the original path and query, the original Host and
     * Authorization (always among the allowed headers), Content-Length 0 (no body is forwarded
     * unless with_request_body), and what Envoy adds to a request it proxies. Envoy is not in Debian:
     * this is the documented shape, sent with node:http so that Host and the raw path go as written.
     */
    function envoyCheck(
      method: string,
      originalPath: string,
      token?: string,
      extra: Record<string, string> = {},
    ): Promise<{ status: number; headers: IncomingHttpHeaders }> {
      const { hostname, port } = new URL(rs.baseUrl);
      const headers: Record<string, string> = {
        host: 'api.example.com',
        'content-length': '0',
        'x-forwarded-proto': 'https',
        'x-request-id': '0d8f6c3a-envoy-check',
        'x-envoy-expected-rq-timeout-ms': '200',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...extra,
      };
      return new Promise((resolve, reject) => {
        const check = httpRequest({ hostname, port, method, path: `/auth/verify${originalPath}`, headers }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        });
        check.on('error', reject);
        check.end();
      });
    }

    it('answers 200 with the X-Auth-* headers for the original POST and GET, query included', async () => {
      const token = await authServer.sign({ sub: 'carol', scope: 'reports.read reports.write', jti: 'envoy-1' });
      const post = await envoyCheck('POST', '/reports', token);
      expect(post.status).toBe(200);
      expect(post.headers).toMatchObject({
        'x-auth-subject': 'carol',
        'x-auth-client-id': 'app',
        'x-auth-scope': 'reports.read reports.write',
        'x-auth-token-id': 'envoy-1',
      });
      expect((await envoyCheck('GET', '/reports/2026?format=csv', token)).status).toBe(200);
      expect((await envoyCheck('HEAD', '/status')).status).toBe(200);
    });

    it('gives the same refusals as the header form: 401 with the challenge, 403, 404, 405', async () => {
      const none = await envoyCheck('POST', '/reports');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe(`Bearer ${RESOURCE_METADATA}`);
      const readOnly = await authServer.sign({ scope: 'reports.read' });
      expect((await envoyCheck('POST', '/reports', readOnly)).status).toBe(403);
      expect((await envoyCheck('GET', '/reportsx', readOnly)).status).toBe(404);
      const method = await envoyCheck('DELETE', '/reports/1', readOnly);
      expect(method.status).toBe(405);
      expect(method.headers.allow).toBe('GET, HEAD, POST');
    });

    it.each(['/status/..%2freports', '/status/%2e%2e/reports', '/status/../reports', '//reports', '/status;x/../reports'])(
      'refuses the ambiguous original path %s with 400, as the header form does',
      async (path) => {
        expect((await envoyCheck('GET', path)).status).toBe(400);
      },
    );

    it('decides a POST whose Content-Type is let through (allowed_headers) without its body', async () => {
      const token = await authServer.sign({ scope: 'reports.write' });
      for (const type of [
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
      ]) {
        expect([type, (await envoyCheck('POST', '/reports', token, { 'content-type': type })).status]).toEqual([type, 200]);
      }
    });

    it('refuses a check whose X-Forwarded-* headers describe another request', async () => {
      const token = await authServer.sign();
      expect((await envoyCheck('GET', '/reports', token, { 'x-forwarded-uri': '/status' })).status).toBe(400);
      expect((await envoyCheck('GET', '/reports', token, { 'x-forwarded-method': 'POST' })).status).toBe(400);
      expect((await envoyCheck('GET', '/reports', token, { 'x-forwarded-uri': '/reports', 'x-forwarded-method': 'GET' })).status).toBe(200);
    });
  });

  it("accepts Traefik ForwardAuth's request: GET with X-Forwarded-Method/-Proto/-Host/-Uri/-For and the caller's headers copied", async () => {
    const token = await authServer.sign({ sub: 'dave', scope: 'reports.write', jti: 'traefik-1' });
    const response = await rs.request('/auth/verify', {
      headers: {
        authorization: `Bearer ${token}`,
        'x-forwarded-method': 'POST',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'api.example.com',
        'x-forwarded-uri': '/reports?draft=1',
        'x-forwarded-for': '203.0.113.7',
        // Copied from the caller's request (Traefik forwards its headers, the body stays behind).
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'billing-cli/1.0',
        cookie: 'session=abc',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe('dave');
    expect(response.headers.get('x-auth-token-id')).toBe('traefik-1');
  });

  it('counts each decision by route prefix ("unmatched" without a route) in route_decisions_total', async () => {
    const metrics = await (await rs.request('/metrics')).text();
    const count = (route: string, status: number) => metricValue(metrics, `route_decisions_total{via="forward_auth",route="${route}",status="${status}"}`);
    expect(count('/reports', 200)).toBeGreaterThan(0);
    expect(count('/reports', 405)).toBeGreaterThan(0);
    expect(count('/reports/admin', 403)).toBeGreaterThan(0);
    expect(count('unmatched', 404)).toBeGreaterThan(0);
    expect(count('unmatched', 400)).toBeGreaterThan(0);
    expect(metrics).not.toMatch(/route_decisions_total\{[^}]*route="\/reports\/2026/);
  });

  it('refuses a revoked token and a client disabled here, at once', async () => {
    const revoked = await authServer.sign({ gid: 'grant-to-revoke' });
    expect((await verify('GET', '/reports', revoked)).status).toBe(200);
    const seq = rs.lastAppliedSeq() + 1;
    rs.publish(
      envelope(seq, 'tokens.revoked', 1, { clientId: 'app', grantIds: ['grant-to-revoke'], expiresAt: new Date(Date.now() + 3600_000).toISOString() }),
    );
    await rs.waitForSeq(seq);
    expect((await verify('GET', '/reports', revoked)).status).toBe(401);

    const token = await authServer.sign();
    expect((await verify('GET', '/reports', token)).status).toBe(200);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    const refused = await verify('GET', '/reports', token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
    expect((await verify('GET', '/reports', token)).status).toBe(200);
  });

  it('is ready: every scope the routes name is in the registry', async () => {
    expect((await rs.request('/health/ready')).status).toBe(200);
  });
});

describe('resource server: a route naming a scope the registry does not define', () => {
  it('keeps readiness down once the registry is loaded, and fails a boot on a stored registry, naming the route and scope', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forward-auth-'));
    const routesFile = join(dir, 'routes.json');
    writeFileSync(routesFile, JSON.stringify({ routes: [{ match: { pathPrefix: '/billing' }, upstream: UPSTREAM, scopes: { allOf: ['billing.read'] } }] }));
    const authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    const rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, RESOURCE_ROUTES_FILE: routesFile } });
    try {
      await rs.waitUntilReady();
      const ready = await rs.request('/health/ready');
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toContain('routes[0] (/billing): scopes.allOf[0]: \\"billing.read\\" is not a scope of the registry');
      // Restarted on its stored registry, which still lacks the scope after a fresh snapshot: no boot,
      // and what the refused boot had started is closed (nothing of it goes on polling).
      const closed = jest.spyOn(NestApplication.prototype, 'close');
      try {
        await expect(rs.restart()).rejects.toThrow('routes[0] (/billing): scopes.allOf[0]: "billing.read" is not a scope of the registry');
        expect(authServer.snapshotRequests).toBe(2);
        expect(closed).toHaveBeenCalledTimes(2);
      } finally {
        closed.mockRestore();
      }
    } finally {
      // The first app again, closed twice: the second close must not fail either.
      await rs.close();
      await authServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
