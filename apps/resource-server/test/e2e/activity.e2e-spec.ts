import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

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
  let adminToken: string;

  async function activity(): Promise<Activity> {
    const response = await rs.request('/admin/v1/activity', { token: adminToken });
    expect(response.status).toBe(200);
    return (await response.json()) as Activity;
  }

  const totals = (body: Activity) => Object.fromEntries(Object.entries(body.refusals.series).map(([reason, values]) => [reason, sum(values)]));

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
    adminToken = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin' });
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
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

  it('is for tokens with rs.admin only, and counts the refusal of those without', async () => {
    const refused = await rs.request('/admin/v1/activity', { token: await authServer.sign({ scope: 'reports.read' }) });
    expect(refused.status).toBe(403);
    expect(totals(await activity()).insufficient_scope).toBe(2);
  });

  it('keeps the counts across a restart', async () => {
    await rs.request('/api/me');
    await rs.restart();
    await rs.waitUntilReady();
    expect(totals(await activity())).toEqual({ no_token: 2, invalid_token: 2, insufficient_scope: 2 });
  });
});
