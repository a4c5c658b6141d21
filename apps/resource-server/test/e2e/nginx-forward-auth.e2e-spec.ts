import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, NGINX_BINARY as NGINX, startExampleNginx, type ExampleNginx } from '#testing';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

const EXAMPLE = join(process.cwd(), 'examples', 'nginx');
/** In CI (.ci/run sets NGINX_TESTS=required) the suite must run; elsewhere it may skip without nginx. */
const required = process.env.NGINX_TESTS === 'required';
const run = existsSync(NGINX) || required ? describe : describe.skip;
if (!existsSync(NGINX)) console.warn(`nginx forward-auth tests: ${NGINX} not found${required ? '' : ', skipping them (apt-get install nginx-light to run them)'}`);

interface UpstreamSeen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * examples/nginx as shipped (only its three addresses changed to spare ports) in front of a bare
 * node:http upstream, deciding through the real resource server's GET /auth/verify.
 */
run('nginx auth_request in front of an API, deciding with GET /auth/verify (examples/nginx)', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let upstream: Server;
  let nginx: ExampleNginx | undefined;
  let baseUrl: string;
  /** Every request the API received, in order. */
  const reached: string[] = [];
  const prefix = mkdtempSync(join(tmpdir(), 'nginx-forward-auth-'));

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      const seen: UpstreamSeen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers };
      reached.push(`${seen.method} ${seen.url}`);
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen)));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamAddress = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;

    const routesFile = join(prefix, 'routes.yaml');
    writeFileSync(routesFile, readFileSync(join(EXAMPLE, 'routes.yaml'), 'utf8').replaceAll('127.0.0.1:8081', upstreamAddress));
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, RESOURCE_ROUTES_FILE: routesFile } });
    await rs.waitUntilReady();

    nginx = await startExampleNginx({ resourceServer: new URL(rs.baseUrl).host, upstream: upstreamAddress, config: join(EXAMPLE, 'nginx.conf') });
    baseUrl = nginx.url;
    await eventually(
      async () => {
        if (nginx?.exited()) throw new Error(`nginx exited: ${nginx.output()}`);
        return fetch(`${baseUrl}/status`).then(
          (response) => response.status === 200,
          () => false,
        );
      },
      30_000,
      'nginx to answer',
    );
  });

  afterAll(async () => {
    // Only the nginx this suite started, by its PID; SIGQUIT lets the master stop its workers.
    await nginx?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    await rs?.close();
    await authServer?.close();
    rmSync(prefix, { recursive: true, force: true });
  });

  function call(path: string, init: { token?: string; method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('authorization', `Bearer ${init.token}`);
    return fetch(baseUrl + path, { method: init.method ?? 'GET', headers });
  }

  it('refuses a request without a token with 401 and the resource server\'s challenge; the API never sees it', async () => {
    const before = reached.length;
    const response = await call('/reports/1');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${AUDIENCE}/.well-known/oauth-protected-resource/reports"`);
    expect(reached.length).toBe(before);
  });

  it('refuses a token without the route scope with 403 insufficient_scope', async () => {
    const response = await call('/reports', { method: 'POST', token: await authServer.sign({ scope: 'reports.read' }) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="reports.write"');
  });

  it('passes a good token to the API with the X-Auth-* headers, without Authorization and without forged X-Auth-*', async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read', jti: 'nginx-token-1' });
    const response = await call('/reports/2026?format=csv', { token, headers: { 'x-auth-subject': 'mallory', 'x-auth-scope': 'rs.admin' } });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as UpstreamSeen;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/reports/2026?format=csv');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers).toMatchObject({ 'x-auth-subject': 'alice', 'x-auth-client-id': 'app', 'x-auth-scope': 'reports.read', 'x-auth-token-id': 'nginx-token-1' });
  });

  it('passes a public route without a token and without any X-Auth-* header', async () => {
    const response = await call('/status', { headers: { 'x-auth-subject': 'mallory' } });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as UpstreamSeen;
    expect(Object.keys(seen.headers).filter((name) => name.startsWith('x-auth-'))).toEqual([]);
  });

  it('refuses the token of a client disabled at the resource server', async () => {
    const adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await call('/reports', { token })).status).toBe(200);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    try {
      const refused = await call('/reports', { token });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    } finally {
      await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } });
    }
  });

  it('never lets an ambiguous path reach the API through a public prefix', async () => {
    const before = reached.length;
    for (const path of ['/status/..%2freports', '/status/%2e%2e/reports', '/status;x/../reports', '/status/%252e%252e/reports']) {
      const response = await call(path);
      expect({ path, status: response.status }).not.toEqual({ path, status: 200 });
    }
    expect(reached.slice(before)).toEqual([]);
  });
});
