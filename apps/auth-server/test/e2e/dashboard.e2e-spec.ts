import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { accessTokenFor, basic, createClient, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(90_000);

interface Dashboard {
  generatedAt: string;
  minutes: string[];
  tokensIssued: { total: number; series: Record<string, number[]> };
  tokenRefusals: { total: number; series: Record<string, number[]> };
  clients: { active: number; registered: number; issuing: number; top: { clientId: string; name: string | null; version: string | null; tokens: number }[] };
  sync: { transport: string; resourceServers: unknown[] };
  latestAudit: { action: string }[];
}

const sum = (values: number[] | undefined): number => (values ?? []).reduce((total, value) => total + value, 0);

describe('dashboard API', () => {
  let server: RunningAuthServer;
  let second: RunningAuthServer | undefined;
  let busy: TestClient;
  let quiet: TestClient;

  async function dashboardOf(target: RunningAuthServer): Promise<Dashboard> {
    const response = await target.request('/admin/v1/dashboard', { headers: { authorization: target.adminAuthorization } });
    expect(response.status).toBe(200);
    return (await response.json()) as Dashboard;
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    busy = await createClient(server, { grants: ['client_credentials'], scopes: ['read'] });
    quiet = await createClient(server, { grants: ['client_credentials'], scopes: ['read'] });
  });
  afterAll(async () => {
    await second?.close();
    await server.close();
  });

  it('starts at zero over the last 60 minutes, the current minute last', async () => {
    const dashboard = await dashboardOf(server);
    expect(dashboard.minutes).toHaveLength(60);
    expect(Date.parse(dashboard.minutes[59])).toBeLessThanOrEqual(Date.parse(dashboard.generatedAt));
    expect(Date.parse(dashboard.generatedAt) - Date.parse(dashboard.minutes[59])).toBeLessThan(60_000);
    expect(dashboard.tokensIssued).toEqual({ total: 0, series: {} });
    expect(dashboard.tokenRefusals).toEqual({ total: 0, series: {} });
    expect(dashboard.clients).toMatchObject({ issuing: 0, top: [] });
    expect(dashboard.sync).toEqual({ transport: 'in-process', resourceServers: [] });
  });

  it('counts tokens by grant and by client, and refusals by the error code the client received', async () => {
    for (let i = 0; i < 3; i++) await accessTokenFor(server, busy);
    await accessTokenFor(server, quiet);
    const wrongSecret = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(busy.clientId, 'not-the-secret') });
    expect(wrongSecret.status).toBe(401);
    const unsupported = await postForm(server, '/oauth/token', { grant_type: 'urn:example:unknown' }, { authorization: basic(busy.clientId, busy.secret) });
    expect(((await unsupported.json()) as { error: string }).error).toBe('unsupported_grant_type');

    const dashboard = await dashboardOf(server);
    expect(dashboard.tokensIssued.total).toBe(4);
    expect(Object.keys(dashboard.tokensIssued.series)).toEqual(['client_credentials']);
    expect(sum(dashboard.tokensIssued.series.client_credentials)).toBe(4);
    expect(dashboard.tokensIssued.series.client_credentials).toHaveLength(60);
    expect(dashboard.tokenRefusals.total).toBe(2);
    expect(sum(dashboard.tokenRefusals.series.invalid_client)).toBe(1);
    expect(sum(dashboard.tokenRefusals.series.unsupported_grant_type)).toBe(1);
    expect(dashboard.clients.issuing).toBe(2);
    expect(dashboard.clients.active).toBeGreaterThanOrEqual(2);
    expect(dashboard.clients.top).toEqual([
      { clientId: busy.clientId, name: busy.clientId, version: '1', tokens: 3 },
      { clientId: quiet.clientId, name: quiet.clientId, version: '1', tokens: 1 },
    ]);
  });

  it('counts a throttled token request as rate_limited', async () => {
    const before = await dashboardOf(server);
    const throttled = await createClient(server, { grants: ['client_credentials'], scopes: ['read'] });
    const wrong = { authorization: basic(throttled.clientId, 'not-the-secret') };
    for (let i = 0; i < 10; i++) expect((await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, wrong)).status).toBe(401);
    expect((await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, wrong)).status).toBe(429);
    const after = await dashboardOf(server);
    expect(sum(after.tokenRefusals.series.invalid_client) - sum(before.tokenRefusals.series.invalid_client)).toBe(10);
    expect(sum(after.tokenRefusals.series.rate_limited)).toBe(1);
    expect(after.tokenRefusals.total - before.tokenRefusals.total).toBe(11);
  });

  it("answers a client's tokens per minute, and 404 for an unknown client", async () => {
    const response = await server.request(`/admin/v1/clients/${busy.clientId}/activity`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    const activity = (await response.json()) as { clientId: string; minutes: string[]; tokens: number[]; total: number };
    expect(activity).toMatchObject({ clientId: busy.clientId, total: 3 });
    expect(activity.minutes).toHaveLength(60);
    expect(sum(activity.tokens)).toBe(3);

    const unknown = await server.request('/admin/v1/clients/no-such-client/activity', { headers: { authorization: server.adminAuthorization } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('is for admins only', async () => {
    expect((await server.request('/admin/v1/dashboard')).status).toBe(401);
    expect((await server.request(`/admin/v1/clients/${busy.clientId}/activity`)).status).toBe(401);
  });

  it('keeps the counts across a restart', async () => {
    await accessTokenFor(server, busy);
    await server.restart();
    const dashboard = await dashboardOf(server);
    expect(dashboard.tokensIssued.total).toBe(5);
    expect(dashboard.clients.top[0]).toMatchObject({ clientId: busy.clientId, tokens: 4 });
  });

  it('sums the counts of every instance on the database', async () => {
    second = await startTestAuthServer({}, {}, { database: server.database });
    await accessTokenFor(second, quiet);
    await accessTokenFor(second, quiet);
    // The second instance flushes its own counts before answering; the first then reads them from the rollup.
    expect((await dashboardOf(second)).tokensIssued.total).toBe(7);
    const dashboard = await dashboardOf(server);
    expect(dashboard.tokensIssued.total).toBe(7);
    expect(dashboard.clients.top.map((client) => [client.clientId, client.tokens])).toEqual([
      [busy.clientId, 4],
      [quiet.clientId, 3],
    ]);
  });

  it('leaves minutes older than a day to the retention job, and keeps the recent ones', async () => {
    await sql(server, `INSERT INTO activity_minutes (minute, metric, label, count) VALUES (date_trunc('minute', now() - interval '25 hours'), 'tokens.issued', 'password', 3)`);
    const run = await server.app.get(RetentionJob).runOnce();
    expect(run?.removed.activity_minutes).toBe(1);
    const [left] = await sql<{ old: number; recent: number }>(
      server,
      `SELECT (count(*) FILTER (WHERE minute < now() - interval '1 day'))::int AS old, (count(*) FILTER (WHERE minute >= now() - interval '1 hour'))::int AS recent FROM activity_minutes`,
    );
    expect(left.old).toBe(0);
    expect(left.recent).toBeGreaterThan(0);
  });
});
