import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

const UPSTREAM = 'http://127.0.0.1:9';

interface RouteBody {
  id: string;
  source: string;
  match: { pathPrefix: string; methods?: string[] };
  upstream: string;
  scopes: unknown;
  timeoutMs: number;
}

/** Issue 14 item 1: routes from the resource server's admin API, beside RESOURCE_ROUTES_FILE's. */
describe('resource server: /admin/v1/routes', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startRoutedResourceServer([
      `  - { match: { pathPrefix: /reports, methods: [GET] }, upstream: "${UPSTREAM}", scopes: { allOf: [reports.read] } }`,
    ]);
    ({ rs, authServer } = stack);
    adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  function verify(method: string, uri: string, token?: string): Promise<Response> {
    return rs.request('/auth/verify', { token, headers: { 'x-forwarded-method': method, 'x-forwarded-uri': uri } });
  }

  async function list(): Promise<RouteBody[]> {
    const response = await rs.request('/admin/v1/routes', { token: adminToken });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: RouteBody[] }).items;
  }

  it('lists the file routes as source "file"', async () => {
    expect(await list()).toEqual([
      expect.objectContaining({
        id: 'file-0',
        source: 'file',
        match: { pathPrefix: '/reports', methods: ['GET', 'HEAD'] },
        upstream: UPSTREAM,
        stripPrefix: false,
        scopes: { allOf: ['reports.read'] },
        timeoutMs: 30000,
        websocket: false,
        createdAt: null,
      }),
    ]);
  });

  it('creates, lists, patches and deletes a route; /auth/verify follows each change at once', async () => {
    expect((await verify('GET', '/billing/invoices')).status).toBe(404);

    const created = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/billing/' }, upstream: `${UPSTREAM}/`, scopes: 'public' },
    });
    expect(created.status).toBe(201);
    const route = (await created.json()) as RouteBody;
    expect(route).toMatchObject({ source: 'api', match: { pathPrefix: '/billing' }, upstream: UPSTREAM, scopes: 'public', timeoutMs: 30000 });
    expect((await list()).map((item) => item.id)).toEqual(['file-0', route.id]);
    expect((await verify('GET', '/billing/invoices')).status).toBe(200);

    const patched = await rs.request(`/admin/v1/routes/${route.id}`, {
      method: 'PATCH',
      token: adminToken,
      json: { scopes: { allOf: ['reports.write'] }, timeoutMs: 5000 },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: route.id, scopes: { allOf: ['reports.write'] }, timeoutMs: 5000 });
    expect((await verify('GET', '/billing/invoices')).status).toBe(401);
    expect((await verify('GET', '/billing/invoices', await authServer.sign({ scope: 'reports.write' }))).status).toBe(200);

    const reset = await rs.request(`/admin/v1/routes/${route.id}`, { method: 'PATCH', token: adminToken, json: { timeoutMs: null } });
    expect(await reset.json()).toMatchObject({ timeoutMs: 30000 });

    expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
    expect((await verify('GET', '/billing/invoices')).status).toBe(404);
    expect((await list()).map((item) => item.id)).toEqual(['file-0']);
    expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'DELETE', token: adminToken })).status).toBe(404);
    expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'PATCH', token: adminToken, json: { timeoutMs: 1 } })).status).toBe(404);
  });

  it('refuses an invalid route with a 400 problem naming each field, as the file would', async () => {
    const response = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/x/../y', methods: ['BREW'] }, upstream: 'ftp://example', scopes: { allOf: ['nope'] }, extra: 1 },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['extra', 'match.methods', 'match.pathPrefix', 'upstream']);

    const unknownScope = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/x' }, upstream: UPSTREAM, scopes: { anyOf: ['reports.read', 'nope'] } },
    });
    expect(unknownScope.status).toBe(400);
    expect(((await unknownScope.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'scopes.anyOf[1]', message: '"nope" is not a scope of the registry' },
    ]);

    for (const body of [[], 'route', null]) {
      expect((await rs.request('/admin/v1/routes', { method: 'POST', token: adminToken, json: body })).status).toBe(400);
    }
    expect(await list()).toHaveLength(1);
  });

  it('refuses with 409 a route overlapping another on the same prefix and methods with different rules', async () => {
    const overlap = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/reports' }, upstream: UPSTREAM, scopes: 'public' },
    });
    expect(overlap.status).toBe(409);
    expect(((await overlap.json()) as { detail: string }).detail).toContain('overlaps routes[0] (/reports)');
    // Other methods on the same prefix do not overlap.
    const post = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/reports', methods: ['POST'] }, upstream: UPSTREAM, scopes: 'public' },
    });
    expect(post.status).toBe(201);
    const { id } = (await post.json()) as RouteBody;
    expect(
      (await rs.request(`/admin/v1/routes/${id}`, { method: 'PATCH', token: adminToken, json: { match: { pathPrefix: '/reports', methods: ['GET'] } } }))
        .status,
    ).toBe(409);
    expect((await rs.request(`/admin/v1/routes/${id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
  });

  it('keeps the file routes read-only: PATCH and DELETE are 409', async () => {
    expect((await rs.request('/admin/v1/routes/file-0', { method: 'PATCH', token: adminToken, json: { scopes: 'public' } })).status).toBe(409);
    expect((await rs.request('/admin/v1/routes/file-0', { method: 'DELETE', token: adminToken })).status).toBe(409);
    expect((await verify('GET', '/reports')).status).toBe(401);
  });

  it('requires rs.admin: 401 without a token, 403 without the scope', async () => {
    expect((await rs.request('/admin/v1/routes')).status).toBe(401);
    const noAdmin = await authServer.sign({ scope: 'reports.read' });
    expect((await rs.request('/admin/v1/routes', { token: noAdmin })).status).toBe(403);
    expect(
      (await rs.request('/admin/v1/routes', { method: 'POST', token: noAdmin, json: { match: { pathPrefix: '/z' }, upstream: UPSTREAM, scopes: 'public' } }))
        .status,
    ).toBe(403);
    expect((await rs.request('/admin/v1/routes/file-0', { method: 'DELETE', token: noAdmin })).status).toBe(403);
  });

  it('proxies through the gateway a route added here, at once', async () => {
    const upstream: Server = createServer((request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: request.url, subject: request.headers['x-auth-subject'] })),
    );
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = upstream.address() as AddressInfo;
      const created = await rs.request('/admin/v1/routes', {
        method: 'POST',
        token: adminToken,
        json: { match: { pathPrefix: '/orders' }, upstream: `http://127.0.0.1:${port}`, stripPrefix: true, scopes: { allOf: ['reports.read'] } },
      });
      expect(created.status).toBe(201);
      expect((await rs.request('/orders/7')).status).toBe(401);
      const response = await rs.request('/orders/7', { token: await authServer.sign({ sub: 'alice', scope: 'reports.read' }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: '/7', subject: 'alice' });
      const { id } = (await created.json()) as RouteBody;
      expect((await rs.request(`/admin/v1/routes/${id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
      expect((await rs.request('/orders/7', { token: await authServer.sign({ scope: 'reports.read' }) })).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });

  it('serves the routes added here after a restart', async () => {
    const created = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/kept' }, upstream: UPSTREAM, scopes: 'public' },
    });
    expect(created.status).toBe(201);
    await rs.restart();
    await rs.waitUntilReady();
    adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    expect((await verify('GET', '/kept')).status).toBe(200);
    expect((await list()).map((item) => item.source)).toEqual(['file', 'api']);
  });
});

describe('resource server: /admin/v1/routes without RESOURCE_ROUTES_FILE', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let upstream: Server;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
    upstream = createServer((request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream ${request.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it('answers a path no route covers with the plain 404 until a route is added, then proxies it', async () => {
    const before = await rs.request('/status');
    expect(before.status).toBe(404);
    // The resource server's plain not-found answer, as before the gateway could get routes at run time.
    expect(await before.json()).toEqual({
      type: 'https://portcullis.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no such resource',
      errors: [],
    });
    const adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    expect(await (await rs.request('/admin/v1/routes', { token: adminToken })).json()).toEqual({ items: [] });
    const { port } = upstream.address() as AddressInfo;
    const created = await rs.request('/admin/v1/routes', {
      method: 'POST',
      token: adminToken,
      json: { match: { pathPrefix: '/status' }, upstream: `http://127.0.0.1:${port}`, scopes: 'public' },
    });
    expect(created.status).toBe(201);
    const response = await rs.request('/status');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('upstream /status');
  });
});
