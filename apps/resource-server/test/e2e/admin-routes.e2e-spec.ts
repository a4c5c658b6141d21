import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
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
        clientBasic: false,
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

  it('takes clientBasic (default false), shows it, resets it with null, and refuses it on a public route or when not a boolean', async () => {
    const post = (json: unknown) => rs.request('/admin/v1/routes', { method: 'POST', token: adminToken, json });
    const created = await post({ match: { pathPrefix: '/partners' }, upstream: UPSTREAM, scopes: { allOf: ['reports.read'] }, clientBasic: true });
    expect(created.status).toBe(201);
    const route = (await created.json()) as RouteBody;
    expect(route).toMatchObject({ clientBasic: true });
    const reset = await rs.request(`/admin/v1/routes/${route.id}`, { method: 'PATCH', token: adminToken, json: { clientBasic: null } });
    expect(await reset.json()).toMatchObject({ clientBasic: false });
    expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);

    for (const [body, message] of [
      [{ match: { pathPrefix: '/partners' }, upstream: UPSTREAM, scopes: 'public', clientBasic: true }, 'a public route takes no credentials'],
      [{ match: { pathPrefix: '/partners' }, upstream: UPSTREAM, scopes: { allOf: [] }, clientBasic: 'yes' }, 'expected true or false'],
    ] as const) {
      const refused = await post(body);
      expect(refused.status).toBe(400);
      const problem = (await refused.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors).toEqual([{ field: 'clientBasic', message: expect.stringContaining(message) }]);
    }
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

  describe('audit trail (GET /admin/v1/audit)', () => {
    interface AuditBody {
      id: string;
      actor: string | null;
      actorType: string;
      clientId: string | null;
      action: string;
      targetType: string | null;
      targetId: string | null;
      details: Record<string, unknown>;
      requestId: string | null;
    }

    async function trail(query: string): Promise<{ items: AuditBody[]; nextCursor: string | null }> {
      const response = await rs.request(`/admin/v1/audit?${query}`, { token: adminToken });
      expect(response.status).toBe(200);
      return (await response.json()) as { items: AuditBody[]; nextCursor: string | null };
    }

    it('records each route change with who, the request id, and the route before and after', async () => {
      const alice = await authServer.sign({ sub: 'alice', client_id: 'admin-tool', scope: 'rs.admin' });
      const body = { match: { pathPrefix: '/audited' }, upstream: UPSTREAM, scopes: 'public' };
      const created = await rs.request('/admin/v1/routes', { method: 'POST', token: alice, json: body, headers: { 'x-request-id': 'audit-create-1' } });
      expect(created.status).toBe(201);
      const route = (await created.json()) as RouteBody;
      expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'PATCH', token: alice, json: { timeoutMs: 5000 } })).status).toBe(200);
      expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'PATCH', token: alice, json: { timeoutMs: -1 } })).status).toBe(400);
      expect((await rs.request(`/admin/v1/routes/${route.id}`, { method: 'DELETE', token: alice })).status).toBe(204);

      const { items } = await trail(`targetId=${route.id}`);
      expect(items.map((row) => [row.action, row.details.status, row.details.outcome])).toEqual([
        ['route.deleted', 204, 'succeeded'],
        ['route.updated', 400, 'refused'],
        ['route.updated', 200, 'succeeded'],
        ['route.created', 201, 'succeeded'],
      ]);
      const [deleted, refused, updated, create] = items;
      expect(create).toMatchObject({
        actor: 'alice',
        actorType: 'user',
        clientId: 'admin-tool',
        targetType: 'route',
        requestId: 'audit-create-1',
        details: {
          method: 'POST',
          route: '/admin/v1/routes',
          change: body,
          before: null,
          after: { id: route.id, source: 'api', match: { pathPrefix: '/audited' } },
        },
      });
      expect(updated.details).toMatchObject({ change: { timeoutMs: 5000 }, before: { timeoutMs: 30000 }, after: { timeoutMs: 5000 } });
      expect(refused.details).not.toHaveProperty('after');
      expect(deleted.details).toMatchObject({ before: { id: route.id, timeoutMs: 5000 }, after: null });
    });

    it('records refused changes: an overlap (409), a file route (409), an invalid route (400)', async () => {
      const refuser = await authServer.sign({ sub: 'refused-admin', client_id: 'admin-tool', scope: 'rs.admin' });
      expect(
        (
          await rs.request('/admin/v1/routes', {
            method: 'POST',
            token: refuser,
            json: { match: { pathPrefix: '/reports' }, upstream: UPSTREAM, scopes: 'public' },
          })
        ).status,
      ).toBe(409);
      expect((await rs.request('/admin/v1/routes/file-0', { method: 'DELETE', token: refuser })).status).toBe(409);
      expect((await rs.request('/admin/v1/routes', { method: 'POST', token: refuser, json: { upstream: 'ftp://x' } })).status).toBe(400);
      const { items } = await trail('actor=refused-admin');
      expect(items.map((row) => [row.action, row.targetId === 'file-0' ? 'file-0' : 'new', row.details.status])).toEqual([
        ['route.created', 'new', 400],
        ['route.deleted', 'file-0', 409],
        ['route.created', 'new', 409],
      ]);
    });

    it('records the local client switch with the client before and after; an unknown client as refused', async () => {
      expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
      expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
      expect((await rs.request('/admin/v1/clients/nobody', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(404);
      expect((await trail('targetId=app')).items.map((row) => [row.action, row.details.before, row.details.after])).toEqual([
        ['client.enabled', expect.objectContaining({ enabled: false }), expect.objectContaining({ enabled: true })],
        ['client.disabled', expect.objectContaining({ clientId: 'app', enabled: true }), expect.objectContaining({ clientId: 'app', enabled: false })],
      ]);
      const invalid = await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: 'no' } });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual(['enabled']);
      expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false, extra: 1 } })).status).toBe(400);
      expect((await trail('targetId=app&limit=2')).items.map((row) => [row.action, row.details.status, row.details.change])).toEqual([
        ['client.disabled', 400, { enabled: false, extra: 1 }],
        ['client.switched', 400, { enabled: 'no' }],
      ]);
      expect((await (await rs.request('/admin/v1/clients', { token: adminToken })).json()) as unknown).toMatchObject({
        items: expect.arrayContaining([expect.objectContaining({ clientId: 'app', enabled: true })]),
      });
      expect((await trail('targetId=nobody')).items).toEqual([
        expect.objectContaining({ action: 'client.disabled', details: expect.objectContaining({ status: 404, outcome: 'refused' }) }),
      ]);
    });

    it("writes the row in the change's transaction: a row the database refuses takes the change back with it", async () => {
      const db = new pg.Client({ connectionString: rs.database.url });
      await db.connect();
      try {
        // A fault only this test's route meets: its audit row breaks a constraint.
        await db.query(
          `ALTER TABLE audit_events ADD CONSTRAINT test_refuse_row CHECK (details->'change'->>'upstream' IS DISTINCT FROM 'http://127.0.0.1:9/audit-fault')`,
        );
        const response = await rs.request('/admin/v1/routes', {
          method: 'POST',
          token: adminToken,
          json: { match: { pathPrefix: '/audit-fault' }, upstream: 'http://127.0.0.1:9/audit-fault', scopes: 'public' },
        });
        expect(response.status).toBe(500);
        expect((await list()).map((route) => route.match.pathPrefix)).not.toContain('/audit-fault');
        expect((await verify('GET', '/audit-fault')).status).toBe(404);
      } finally {
        await db.query('ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS test_refuse_row');
        await db.end();
      }
    });

    it('orders events of one instant by their numeric id, across a power of ten, and pages through them without a skip', async () => {
      const db = new pg.Client({ connectionString: rs.database.url });
      await db.connect();
      const ids = [9_999_998, 9_999_999, 10_000_000, 10_000_001];
      try {
        await db.query(`INSERT INTO audit_events (id, occurred_at, actor_type, action) SELECT i, '2100-01-01T00:00:00Z', 'user', 'route.created' FROM unnest($1::bigint[]) i`, [ids]);
        const seen: string[] = [];
        let cursor: string | null = null;
        for (let page = 0; page < ids.length; page++) {
          const answer: { items: AuditBody[]; nextCursor: string | null } = await trail(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(answer.items[0].id);
          cursor = answer.nextCursor;
        }
        expect(seen).toEqual(['10000001', '10000000', '9999999', '9999998']);
      } finally {
        await db.query('DELETE FROM audit_events WHERE id = ANY($1::bigint[])', [ids]);
        await db.end();
      }
    });

    it("writes a client switch's row in the switch's transaction: a refused row leaves the client as it was", async () => {
      const db = new pg.Client({ connectionString: rs.database.url });
      await db.connect();
      try {
        await db.query(`ALTER TABLE audit_events ADD CONSTRAINT test_refuse_switch CHECK (NOT (action = 'client.disabled' AND target_id = 'app' AND details->>'outcome' = 'succeeded')) NOT VALID`);
        const response = await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } });
        expect(response.status).toBe(500);
        const [{ enabled }] = (await db.query(`SELECT enabled FROM clients WHERE client_id = 'app'`)).rows as { enabled: boolean }[];
        expect(enabled).toBe(true);
        expect((await (await rs.request('/admin/v1/clients', { token: adminToken })).json()) as unknown).toMatchObject({
          items: expect.arrayContaining([expect.objectContaining({ clientId: 'app', enabled: true })]),
        });
      } finally {
        await db.query('ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS test_refuse_switch');
        await db.end();
      }
    });

    it('pages newest first with limit and cursor, refuses a malformed cursor, and needs rs.admin', async () => {
      const first = await trail('limit=2');
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await trail(`limit=2&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(2);
      expect(Number(second.items[0].id)).toBeLessThan(Number(first.items[1].id));
      expect((await rs.request('/admin/v1/audit?cursor=bm90LWEtY3Vyc29y', { token: adminToken })).status).toBe(400);
      expect((await rs.request('/admin/v1/audit?limit=0', { token: adminToken })).status).toBe(400);
      expect((await rs.request('/admin/v1/audit')).status).toBe(401);
      expect((await rs.request('/admin/v1/audit', { token: await authServer.sign({ scope: 'reports.read' }) })).status).toBe(403);
    });
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
