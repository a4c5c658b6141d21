import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { InProcessEventBus } from '#sync';
import { TEST_RESOURCE_CLIENT } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';

/** Serving /console, provisioning its OAuth client, and the resource server's CORS for it (no browser). */
describe('web console: serving and provisioning', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;

  function admin(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    return as.request(path, { ...init, headers: { authorization: as.adminAuthorization } });
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startTestAuthServer({ resourceClient: TEST_RESOURCE_CLIENT, syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady();
  }, 60_000);

  afterAll(async () => {
    await rs?.close();
    await as?.close();
  });

  it('serves the page with a strict CSP: no inline script but the import map, by its hash', async () => {
    const response = await as.request('/console');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    expect(JSON.parse(importMap)).toEqual({ imports: { preact: '/console/vendor/preact.mjs', 'preact/hooks': '/console/vendor/hooks.mjs', htm: '/console/vendor/htm.mjs', uplot: '/console/vendor/uPlot.mjs' } });
    const csp = response.headers.get('content-security-policy') ?? '';
    const hash = createHash('sha256').update(importMap).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await as.request('/console/callback?code=x&state=y')).status).toBe(200);
  });

  it('serves the app and vendor modules with their content types, and nothing else', async () => {
    const app = await as.request('/console/app/app.js');
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(app.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await as.request('/console/app/console.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await as.request('/console/vendor/preact.mjs')).status).toBe(200);
    for (const path of ['/console/app/missing.js', '/console/app/..%2F..%2F..%2Fpackage.json', '/console/app/%2e%2e%2fauth.js', '/console/vendor/index.js', '/console/app/../../package.json']) {
      expect([404]).toContain((await as.request(path)).status);
    }
  });

  it('provisions the console as a public PKCE client with the scopes admin and rs.admin', async () => {
    const client = (await (await admin('/admin/v1/clients/portcullis-console')).json()) as Record<string, unknown>;
    expect(client).toMatchObject({
      clientId: 'portcullis-console',
      type: 'public',
      grants: ['authorization_code'],
      redirectUris: [`${as.config.issuer}/console/callback`],
      scopes: ['admin', 'rs.admin'],
      active: true,
    });
    expect(client.clientSecret).toBeUndefined();
    expect((await admin('/admin/v1/scopes/rs.admin')).status).toBe(200);
    // The resource server learned them through the outbox like any other client.
    const synced = rs.registry().client('portcullis-console');
    expect([...(synced?.scopes ?? [])].sort()).toEqual(['admin', 'rs.admin']);
  });

  it('is idempotent across restarts and keeps what an admin changed on purpose', async () => {
    const events = async () => Number(((await as.app.get(DataSource).query('SELECT count(*)::int AS n FROM outbox_events')) as { n: number }[])[0].n);
    expect((await admin('/admin/v1/clients/portcullis-console', { method: 'PATCH', json: { active: false, refreshCount: { mode: 'unlimited' } } })).status).toBe(200);
    const before = await events();
    await as.restart();
    expect(await events()).toBe(before);
    const client = (await (await admin('/admin/v1/clients/portcullis-console')).json()) as Record<string, unknown>;
    expect(client).toMatchObject({ active: false, refreshCount: { mode: 'unlimited' }, scopes: ['admin', 'rs.admin'] });
    // A lost association is restored at the next start.
    expect((await admin('/admin/v1/clients/portcullis-console/scopes/rs.admin', { method: 'DELETE' })).status).toBe(204);
    await as.restart();
    expect(((await (await admin('/admin/v1/clients/portcullis-console')).json()) as { scopes: string[] }).scopes).toEqual(['admin', 'rs.admin']);
  });

  it('lets the console origin, and only it, call the resource server admin API from a browser', async () => {
    const preflight = (origin: string, path = '/admin/v1/clients/x') =>
      rs.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' } });
    // The resource server's AUTH_ISSUER is where the auth server, and so the console, is.
    const consoleOrigin = new URL(rs.config.issuer).origin;
    const allowed = await preflight(consoleOrigin);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect((await preflight(consoleOrigin, '/api/me')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
