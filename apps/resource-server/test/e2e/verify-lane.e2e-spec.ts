import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CapturedLogLines, metricValue } from '#testing';
import { VerifyLane } from '../../src/forward-auth/verify-lane.js';
import type { RunningResourceServer } from '../support/resource-server-harness.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';
import { envelope, type FakeAuthServer } from '../support/fake-auth-server.js';

const UPSTREAM = 'http://127.0.0.1:9';

/**
 * Forward authentication's lane (forward-auth/verify-lane.ts): GET /auth/verify admitted at once is
 * answered before Fastify. What it answers must be what ForwardAuthRoute answers, with the same
 * request id, access-log line and metrics; every other check must still reach Fastify, which
 * decides it from the start.
 */
describe('resource server: the lane of GET /auth/verify', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  const logs = new CapturedLogLines();
  const serve = jest.spyOn(VerifyLane.prototype, 'serve');
  /** Whether the lane answered each request since the last clear (its serve() returned true). */
  const laneAnswered = () => serve.mock.results.map((result) => result.value);

  beforeAll(async () => {
    stack = await startRoutedResourceServer(
      [
        `  - { match: { pathPrefix: /reports, methods: [GET] }, upstream: "${UPSTREAM}", scopes: { allOf: [reports.read] } }`,
        `  - { match: { pathPrefix: /status }, upstream: "${UPSTREAM}", scopes: public }`,
      ],
      { env: { LOG_LEVEL: 'log' }, overrides: { logDestination: logs } },
    );
    ({ rs, authServer } = stack);
  });

  afterAll(async () => {
    serve.mockRestore();
    await stack?.close();
  });

  beforeEach(() => {
    serve.mockClear();
  });

  function verify(method: string, uri: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
    return rs.request('/auth/verify', { token, headers: { 'x-forwarded-method': method, 'x-forwarded-uri': uri, ...headers } });
  }
  const headerNames = (headers: Headers) => [...headers.keys()].filter((name) => name !== 'date').sort();

  it("answers a token checked before from the lane, with ForwardAuthRoute's answer", async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read', jti: 'lane-token' });
    const first = await verify('GET', '/reports/2026?format=csv', token, { 'x-request-id': 'verify-first' });
    const second = await verify('GET', '/reports/2026?format=csv', token, { 'x-request-id': 'verify-second' });
    expect(laneAnswered()).toEqual([false, true]);
    for (const [response, id] of [
      [first, 'verify-first'],
      [second, 'verify-second'],
    ] as const) {
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(await response.text()).toBe('');
    }
    expect(headerNames(second.headers)).toEqual(headerNames(first.headers));
    for (const name of ['cache-control', 'content-length', 'x-auth-subject', 'x-auth-client-id', 'x-auth-scope', 'x-auth-token-id', 'content-type']) {
      expect([name, second.headers.get(name)]).toEqual([name, first.headers.get(name)]);
    }
    expect(second.headers.get('x-auth-subject')).toBe('alice');
    expect(second.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a public route at once, without X-Auth-* even when the caller sent some, and makes a request id when none or a malformed one came', async () => {
    for (const headers of [{ 'x-auth-subject': 'forged' }, { 'x-request-id': 'not ok' }] as Record<string, string>[]) {
      const response = await verify('PUT', '/status/x', undefined, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-auth-subject')).toBeNull();
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(laneAnswered()).toEqual([true, true]);
  });

  it('writes the access-log line and counts the check in the latency histogram and the route decisions', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    await verify('GET', '/reports/warm', token);
    const metricsBefore = await (await rs.request('/metrics')).text();
    serve.mockClear();
    expect((await verify('GET', '/reports/logged', token, { 'x-request-id': 'verify-logged' })).status).toBe(200);
    expect((await verify('GET', '/reports/logged', token)).status).toBe(200);
    expect(laneAnswered()).toEqual([true, true]);
    const metricsAfter = await (await rs.request('/metrics')).text();
    const histogram = 'http_request_duration_seconds_count{method="GET",route="/auth/verify",status_class="2xx"}';
    const decisions = 'route_decisions_total{via="forward_auth",route="/reports",status="200"}';
    expect(metricValue(metricsAfter, histogram) - metricValue(metricsBefore, histogram)).toBe(2);
    expect(metricValue(metricsAfter, decisions) - metricValue(metricsBefore, decisions)).toBe(2);
    const line = logs.entries.find((entry) => entry.reqId === 'verify-logged');
    expect(line).toMatchObject({ msg: 'request completed', method: 'GET', path: '/auth/verify', status: 200, ip: '127.0.0.1', level: 30 });
    expect(typeof line?.ms).toBe('number');
  });

  it('leaves to Fastify every refusal, a bad description, DPoP, HEAD, a query and a token not checked before', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await verify('GET', '/reports', token)).status).toBe(200);
    const cases: [string, () => Promise<Response>][] = [
      ['no token', () => verify('GET', '/reports')],
      ['another token', async () => verify('GET', '/reports', await authServer.sign({ scope: 'reports.read' }))],
      ['insufficient scope', async () => verify('GET', '/reports', await authServer.sign({ scope: 'reports.write' }))],
      ['a method the route does not allow', () => verify('POST', '/reports', token)],
      ['no route', () => verify('GET', '/nowhere', token)],
      ['no method described', () => rs.request('/auth/verify', { token, headers: { 'x-forwarded-uri': '/reports' } })],
      ['two descriptions that disagree', () => verify('GET', '/reports', token, { 'x-original-uri': '/status' })],
      ['a DPoP proof', () => verify('GET', '/reports', token, { dpop: 'not-a-proof' })],
      ['HEAD', () => rs.request('/auth/verify', { method: 'HEAD', token, headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/reports' } })],
      ['a query', () => rs.request('/auth/verify?x=1', { token, headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/reports' } })],
    ];
    const statuses: Record<string, number> = {};
    for (const [name, send] of cases) {
      serve.mockClear();
      statuses[name] = (await send()).status;
      expect([name, laneAnswered()]).toEqual([name, [false]]);
    }
    expect(statuses).toEqual({
      'no token': 401,
      'another token': 200,
      'insufficient scope': 403,
      'a method the route does not allow': 405,
      'no route': 404,
      'no method described': 400,
      'two descriptions that disagree': 400,
      // A Bearer token not bound to a key: the proof beside it is not read (decided by Fastify all the same).
      'a DPoP proof': 200,
      HEAD: 200,
      'a query': 200,
    });
  });

  it('stops admitting a token checked before once it is revoked, or its client disabled here', async () => {
    const revoked = await authServer.sign({ scope: 'reports.read', gid: 'lane-grant' });
    expect((await verify('GET', '/reports', revoked)).status).toBe(200);
    expect((await verify('GET', '/reports', revoked)).status).toBe(200);
    expect(laneAnswered()).toEqual([false, true]);
    const seq = rs.lastAppliedSeq() + 1;
    rs.publish(envelope(seq, 'tokens.revoked', 1, { clientId: 'app', grantIds: ['lane-grant'], expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
    await rs.waitForSeq(seq);
    serve.mockClear();
    expect((await verify('GET', '/reports', revoked)).status).toBe(401);
    expect(laneAnswered()).toEqual([false]);

    const adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await verify('GET', '/reports', token)).status).toBe(200);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    serve.mockClear();
    expect((await verify('GET', '/reports', token)).status).toBe(401);
    expect(laneAnswered()).toEqual([false]);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
  });
});
