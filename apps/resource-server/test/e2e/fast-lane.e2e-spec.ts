import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { metricValue } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { BearerTokenGuard } from '#resource-guard';
import { AUDIENCE, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/**
 * GET /api/me is answered from a Fastify preHandler once its token is cached (auth/fast-lane.ts).
 * Whatever the lane answers must be what Nest's pipeline answers, and every refusal must still
 * come out of Nest's pipeline with its RFC 6750 rendering.
 */
describe('resource server: the fast lane of a route', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let adminToken: string;
  let seq = 0;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
    adminToken = await authServer.sign({ client_id: 'admin-tool', sub: 'admin-tool', scope: 'rs.admin', gid: 'admin-grant' });
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  const headerNames = (response: Response) => [...response.headers.keys()].filter((name) => name !== 'date').sort();

  it("answers a token seen before without Nest's pipeline, with the same response", async () => {
    const canActivate = jest.spyOn(BearerTokenGuard.prototype, 'canActivate');
    try {
      const token = await authServer.sign({ sub: 'alice', scope: 'reports.read unknown.scope' });
      const first = await rs.request('/api/me', { token, headers: { 'x-request-id': 'lane-1' } });
      expect(canActivate).toHaveBeenCalledTimes(1);
      const second = await rs.request('/api/me', { token, headers: { 'x-request-id': 'lane-2' } });
      expect(canActivate).toHaveBeenCalledTimes(1);
      for (const [response, id] of [[first, 'lane-1'], [second, 'lane-2']] as const) {
        expect(response.status).toBe(200);
        expect(response.headers.get('x-request-id')).toBe(id);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.json()).toEqual({ sub: 'alice', clientId: 'app', scopes: ['reports.read'] });
      }
      expect(headerNames(second)).toEqual(headerNames(first));
    } finally {
      canActivate.mockRestore();
    }
  });

  it('answers HEAD for a cached token as for a new one', async () => {
    const token = await authServer.sign();
    const first = await rs.request('/api/me', { method: 'HEAD', token });
    const second = await rs.request('/api/me', { method: 'HEAD', token });
    for (const response of [first, second]) {
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    }
    expect(headerNames(second)).toEqual(headerNames(first));
    expect(second.headers.get('content-length')).toBe(first.headers.get('content-length'));
  });

  it('RS-2: still refuses a cached token sent along with one in the query', async () => {
    const token = await authServer.sign();
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    const response = await rs.request(`/api/me?access_token=${token}`, { token });
    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a cached token at once when its client is disabled here, and serves it again once enabled', async () => {
    const token = await authServer.sign();
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    const refused = await rs.request('/api/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
    expect((await rs.request('/api/me', { token })).status).toBe(200);
  });

  it('refuses a cached token as soon as its grant is revoked', async () => {
    const token = await authServer.sign({ gid: 'lane-grant' });
    expect((await rs.request('/api/me', { token })).status).toBe(200);
    rs.publish(envelope(++seq, 'tokens.revoked', 1, { clientId: 'app', grantIds: ['lane-grant'], expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
    await rs.waitForSeq(seq, 1000);
    const refused = await rs.request('/api/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('counts what the lane answers in the request metrics', async () => {
    const token = await authServer.sign();
    const count = async () => {
      const metrics = await (await rs.request('/metrics')).text();
      return metricValue(metrics, 'http_request_duration_seconds_count{method="GET",route="/api/me",status_class="2xx"}');
    };
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await rs.request('/api/me', { token })).status).toBe(200);
    expect((await count()) - before).toBe(3);
  });
});
