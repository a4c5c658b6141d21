import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningResourceServer } from '../support/resource-server-harness.js';
import type { FakeAuthServer } from '../support/fake-auth-server.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';

interface Activity {
  generatedAt: string;
  minutes: string[];
  refusals: { total: number; series: Record<string, number[]> };
}

const sum = (values: number[] | undefined): number => (values ?? []).reduce((total, value) => total + value, 0);

/** Issue 18: the resource server's refusals per minute by reason, for the console's dashboard. */
describe('resource server: GET /admin/v1/activity', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  let upstream: Server;
  let adminToken: string;

  async function activity(): Promise<Activity> {
    const response = await rs.request('/admin/v1/activity', { token: adminToken });
    expect(response.status).toBe(200);
    return (await response.json()) as Activity;
  }

  const totals = (body: Activity) => Object.fromEntries(Object.entries(body.refusals.series).map(([reason, values]) => [reason, sum(values)]));

  beforeAll(async () => {
    // An API that refuses on its own: its 401s are its refusals, not the resource server's.
    upstream = createServer((_request, response) => response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end('{"error":"invalid_token"}'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    stack = await startRoutedResourceServer([
      `  - { match: { pathPrefix: /own-refusals }, upstream: "${origin}", scopes: public }`,
      `  - { match: { pathPrefix: /reports }, upstream: "${origin}", scopes: { allOf: [reports.read] } }`,
    ]);
    ({ rs, authServer } = stack);
    adminToken = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin' });
  });

  afterAll(async () => {
    await stack?.close();
    upstream?.close();
  });

  it('starts empty over the last 60 minutes', async () => {
    const body = await activity();
    expect(body.minutes).toHaveLength(60);
    expect(body.refusals).toEqual({ total: 0, series: {} });
  });

  it('counts 401s and 403s by the reason their challenge gives, and nothing for answers that are not refusals', async () => {
    expect((await rs.request('/api/me')).status).toBe(401);
    expect((await rs.request('/api/me', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await rs.request('/api/me', { token: await authServer.sign({ exp: Math.floor(Date.now() / 1000) - 3600 }) })).status).toBe(401);
    expect((await rs.request('/api/reports', { token: await authServer.sign({ scope: 'reports.write' }) })).status).toBe(403);
    expect((await rs.request('/api/me', { token: await authServer.sign() })).status).toBe(200);

    const body = await activity();
    expect(totals(body)).toEqual({ no_token: 1, invalid_token: 2, insufficient_scope: 1 });
    expect(body.refusals.total).toBe(4);
    expect(body.refusals.series.invalid_token).toHaveLength(60);
  });

  it("counts the gateway's and /auth/verify's refusals, not an upstream's own", async () => {
    expect((await rs.request('/own-refusals/x')).status).toBe(401);
    expect((await rs.request('/reports/x')).status).toBe(401);
    const verify = await rs.request('/auth/verify', { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/reports/x' } });
    expect(verify.status).toBe(401);
    expect(totals(await activity())).toEqual({ no_token: 3, invalid_token: 2, insufficient_scope: 1 });
  });

  it('is for tokens with rs.admin only, and counts the refusal of those without', async () => {
    const refused = await rs.request('/admin/v1/activity', { token: await authServer.sign({ scope: 'reports.read' }) });
    expect(refused.status).toBe(403);
    expect(totals(await activity())).toEqual({ no_token: 3, invalid_token: 2, insufficient_scope: 2 });
  });

  it('keeps the counts across a restart', async () => {
    await rs.request('/api/me');
    await rs.restart();
    await rs.waitUntilReady();
    expect(totals(await activity())).toEqual({ no_token: 4, invalid_token: 2, insufficient_scope: 2 });
  });
});
