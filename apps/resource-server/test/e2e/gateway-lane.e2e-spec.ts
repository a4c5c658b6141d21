import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CapturedLogLines, freePort, metricValue } from '#testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Gateway } from '../../src/gateway/gateway.js';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, envelope, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * The gateway's lane (gateway/gateway-lane.ts): an admitted request that needs nothing more is
 * forwarded before Fastify sees it. What it answers must be what the catch-all answers, with the
 * same request id, access-log line and metrics; everything else must still reach the catch-all.
 */
describe('resource server: the gateway lane', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let upstream: Server;
  const seen: Seen[] = [];
  const logs = new CapturedLogLines();
  const big = randomBytes(1024 * 1024);
  let endlessClosed: () => void = () => undefined;
  let forward: ReturnType<typeof jest.spyOn>;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push({ url: req.url!, headers: req.headers });
      req.resume();
      if (req.url!.endsWith('/big')) return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big.length) }).end(big);
      if (req.url!.endsWith('/chunked')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one,');
        return void setImmediate(() => res.end('two'));
      }
      if (req.url!.endsWith('/endless')) {
        // Writes until the connection is gone: the lane must abort it once its client leaves.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024)), 5);
        res.on('close', () => {
          clearInterval(timer);
          endlessClosed();
        });
        return;
      }
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end(JSON.stringify({ url: req.url })));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const down = `http://127.0.0.1:${await freePort()}`;
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const routesFile = join(mkdtempSync(join(tmpdir(), 'lane-routes-')), 'routes.yaml');
    writeFileSync(
      routesFile,
      [
        'routes:',
        `  - { match: { pathPrefix: /billing }, upstream: "${url}", stripPrefix: true, scopes: { allOf: [reports.read] } }`,
        `  - { match: { pathPrefix: /open }, upstream: "${url}", scopes: public }`,
        `  - { match: { pathPrefix: /health }, upstream: "${url}", scopes: public }`,
        `  - { match: { pathPrefix: /down }, upstream: "${down}", scopes: public }`,
        '',
      ].join('\n'),
    );
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({
      issuer: authServer.issuer,
      env: { RESOURCE_AUDIENCE: AUDIENCE, RESOURCE_ROUTES_FILE: routesFile, LOG_LEVEL: 'log' },
      overrides: { logDestination: logs },
    });
    await rs.waitUntilReady();
    forward = jest.spyOn(Gateway.prototype as unknown as { forward: () => unknown }, 'forward');
  });

  afterAll(async () => {
    forward?.mockRestore();
    await rs?.close();
    await authServer?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  beforeEach(() => forward.mockClear());

  const headerNames = (headers: Headers) => [...headers.keys()].filter((name) => name !== 'date' && name !== 'x-request-id').sort();
  const withoutRequestId = (headers: IncomingHttpHeaders) => Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'x-request-id'));

  it("forwards a token seen before without the catch-all, with the catch-all's answer and upstream request", async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read', jti: 'lane-token' });
    const first = await rs.request('/billing/invoices?x=1', { token, headers: { 'x-request-id': 'lane-first' } });
    const firstSeen = seen.at(-1)!;
    expect(forward).toHaveBeenCalledTimes(1);
    const second = await rs.request('/billing/invoices?x=1', { token, headers: { 'x-request-id': 'lane-second' } });
    const secondSeen = seen.at(-1)!;
    expect(forward).toHaveBeenCalledTimes(1);

    for (const [response, id] of [[first, 'lane-first'], [second, 'lane-second']] as const) {
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(response.headers.get('x-upstream')).toBe('yes');
      expect(await response.json()).toEqual({ url: '/invoices?x=1' });
    }
    expect(headerNames(second.headers)).toEqual(headerNames(first.headers));
    expect(firstSeen.headers['x-request-id']).toBe('lane-first');
    expect(secondSeen.headers['x-request-id']).toBe('lane-second');
    expect(withoutRequestId(secondSeen.headers)).toEqual(withoutRequestId(firstSeen.headers));
    expect(secondSeen.headers).toMatchObject({ 'x-auth-subject': 'alice', 'x-auth-token-id': 'lane-token', 'x-forwarded-for': '127.0.0.1' });
    expect(secondSeen.headers.authorization).toBeUndefined();
  });

  it('makes a request id when the caller sent none or a malformed one, and sends the same one upstream', async () => {
    for (const headers of [{}, { 'x-request-id': 'not ok' }] as Record<string, string>[]) {
      const response = await rs.request('/open/id', { headers });
      expect(response.status).toBe(200);
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen.at(-1)!.headers['x-request-id']).toBe(id);
    }
    expect(forward).not.toHaveBeenCalled();
  });

  it('writes the access-log line and counts the request in the latency histogram and the route decisions', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    await rs.request('/billing/warm', { token });
    const metricsBefore = await (await rs.request('/metrics')).text();
    expect((await rs.request('/billing/logged?secret=x', { token, headers: { 'x-request-id': 'lane-logged' } })).status).toBe(200);
    expect((await rs.request('/billing/logged', { token })).status).toBe(200);
    expect(forward).toHaveBeenCalledTimes(1);
    const metricsAfter = await (await rs.request('/metrics')).text();
    const histogram = 'http_request_duration_seconds_count{method="GET",route="/billing",status_class="2xx"}';
    const decisions = 'route_decisions_total{via="gateway",route="/billing",status="200"}';
    expect(metricValue(metricsAfter, histogram) - metricValue(metricsBefore, histogram)).toBe(2);
    expect(metricValue(metricsAfter, decisions) - metricValue(metricsBefore, decisions)).toBe(2);
    const line = logs.entries.find((entry) => entry.reqId === 'lane-logged');
    expect(line).toMatchObject({ msg: 'request completed', method: 'GET', path: '/billing/logged', status: 200, ip: '127.0.0.1', level: 30 });
    expect(typeof line?.ms).toBe('number');
  });

  it("answers an upstream's failure as the catch-all does (502, the same problem document)", async () => {
    const lane = await rs.request('/down/x', { headers: { 'x-request-id': 'lane-502' } });
    expect(forward).not.toHaveBeenCalled();
    // An escaped path is the catch-all's: the same failure rendered through Fastify.
    const catchAll = await rs.request('/down/%78', { headers: { 'x-request-id': 'catch-all-502' } });
    expect(forward).toHaveBeenCalledTimes(1);
    expect(lane.status).toBe(502);
    expect(catchAll.status).toBe(502);
    expect(lane.headers.get('x-request-id')).toBe('lane-502');
    for (const name of ['content-type', 'cache-control']) expect(lane.headers.get(name)).toBe(catchAll.headers.get(name));
    expect(await lane.json()).toEqual(await catchAll.json());
    expect(logs.entries.find((entry) => entry.reqId === 'lane-502')).toMatchObject({ status: 502, level: 50 });
  });

  it('leaves the resource server its own paths, and the rest of their first segment to the catch-all, under a public route prefix', async () => {
    const own = await rs.request('/health/live');
    expect(own.status).toBe(200);
    expect(own.headers.get('x-upstream')).toBeNull();
    expect(forward).not.toHaveBeenCalled();
    const other = await rs.request('/health/elsewhere');
    expect(other.headers.get('x-upstream')).toBe('yes');
    expect(forward).toHaveBeenCalledTimes(1);
  });

  it('leaves to the catch-all every refusal, escaped paths, bodies, DPoP and a token not seen before', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    await rs.request('/billing/seen', { token });
    forward.mockClear();
    const cases: [string, () => Promise<number>][] = [
      ['no token', async () => (await rs.request('/billing/x')).status],
      ['another token', async () => (await rs.request('/billing/x', { token: await authServer.sign({ scope: 'reports.read' }) })).status],
      ['insufficient scope', async () => (await rs.request('/billing/x', { token: await authServer.sign({ scope: 'reports.write' }) })).status],
      ['an escaped path', async () => (await rs.request('/billing/%78', { token })).status],
      ['a body', async () => (await rs.request('/billing/x', { method: 'POST', token, json: { a: 1 } })).status],
      ['a DPoP proof', async () => (await rs.request('/billing/x', { token, headers: { dpop: 'not-a-proof' } })).status],
      ['no route', async () => (await rs.request('/nowhere', { token })).status],
    ];
    const statuses: Record<string, number> = {};
    for (const [name, send] of cases) {
      forward.mockClear();
      statuses[name] = await send();
      expect([name, forward.mock.calls.length]).toEqual([name, 1]);
    }
    expect(statuses).toEqual({
      'no token': 401,
      'another token': 200,
      'insufficient scope': 403,
      'an escaped path': 200,
      'a body': 200,
      'a DPoP proof': 200,
      'no route': 404,
    });
  });

  it('refuses through the catch-all a token revoked after it took the lane', async () => {
    const token = await authServer.sign({ scope: 'reports.read', gid: 'lane-grant' });
    expect((await rs.request('/billing/a', { token })).status).toBe(200);
    expect((await rs.request('/billing/a', { token })).status).toBe(200);
    const seq = rs.lastAppliedSeq() + 1;
    rs.publish(envelope(seq, 'tokens.revoked', 1, { clientId: 'app', grantIds: ['lane-grant'], expiresAt: new Date(Date.now() + 3600_000).toISOString() }));
    await rs.waitForSeq(seq, 5000);
    forward.mockClear();
    const refused = await rs.request('/billing/a', { token });
    expect(refused.status).toBe(401);
    expect(forward).toHaveBeenCalledTimes(1);
  });

  it('answers HEAD through the lane without a body', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    await rs.request('/billing/h', { method: 'HEAD', token });
    forward.mockClear();
    const { hostname, port } = new URL(rs.baseUrl);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method: 'HEAD', path: '/billing/h', headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 200, body: '' });
    expect(forward).not.toHaveBeenCalled();
  });

  it('streams a 1 MB answer and a chunked one through the lane, intact', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    await rs.request('/billing/warm', { token });
    forward.mockClear();
    const download = await rs.request('/billing/big', { token });
    expect(download.status).toBe(200);
    const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(big));
    const chunked = await rs.request('/billing/chunked', { token });
    expect(chunked.headers.get('transfer-encoding')).toBe('chunked');
    expect(await chunked.text()).toBe('one,two');
    expect(forward).not.toHaveBeenCalled();
  });

  // The catch-all's case: a DPoP header (ignored on a public route) keeps the request off the lane.
  it.each<[string, Record<string, string>, number]>([
    ['the lane', {}, 0],
    ['the catch-all', { dpop: 'x' }, 1],
  ])('aborts the upstream request when the client leaves in the middle of the answer, through %s', async (_path, headers, catchAllCalls) => {
    const closed = new Promise<void>((resolve) => (endlessClosed = resolve));
    const { hostname, port } = new URL(rs.baseUrl);
    // node:http rather than fetch, whose pool opens a spare connection that would hold the server's close.
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, path: '/open/endless', agent: false, headers }, (res) => {
        res.once('data', () => {
          resolve(res.statusCode!);
          req.destroy();
        });
      });
      req.on('error', () => undefined);
      req.on('close', () => reject(new Error('closed before any data')));
      req.end();
    });
    expect(status).toBe(200);
    await closed;
    expect(forward).toHaveBeenCalledTimes(catchAllCalls);
  });
});
