import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { InProcessEventBus } from '#sync';
import { ENFORCEMENT_WAIT_MS, eventually, metricValue } from '#testing';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { startStackAuthServer } from '../support/stack-harness.js';

jest.setTimeout(120_000);

const BASIC_CHALLENGE = /^Basic realm="portcullis"/;

function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** Records the headers of what reaches it; answers 200. */
class Upstream {
  readonly received: { url: string; headers: IncomingHttpHeaders }[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.received.push({ url: req.url!, headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('upstream'));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Issue 18 item 3 with the real auth server: a route with `clientBasic: true` admits a
 * confidential client by its id and secret (checked at the auth server by introspection, then
 * cached), with the identity headers a token would give; every other case is refused, audited,
 * counted; the gateway and forward auth decide alike.
 */
describe('HTTP Basic for confidential clients on clientBasic routes', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  const upstream = new Upstream();
  let billing: StackClient;
  let rsAdmin: StackClient;
  let adminToken: string;
  /** The last test stops the auth server. */
  let asClosed = false;

  /** GET at the gateway. */
  function viaGateway(path: string, authorization?: string): Promise<Response> {
    return rs.request(path, { headers: authorization === undefined ? {} : { authorization } });
  }

  /** GET /auth/verify describing a request from `ip` (X-Real-IP, as nginx sets it). */
  function viaForwardAuth(path: string, authorization: string, ip: string): Promise<Response> {
    return rs.request('/auth/verify', { headers: { authorization, 'x-forwarded-method': 'GET', 'x-forwarded-uri': path, 'x-real-ip': ip } });
  }

  /** Whether the registry here holds the client (the event arrived). */
  async function known(clientId: string): Promise<boolean> {
    const response = await rs.request('/admin/v1/clients', { token: adminToken });
    const body = (await response.json()) as { clientId: string }[] | { items: { clientId: string }[] };
    return (Array.isArray(body) ? body : body.items).some((client) => client.clientId === clientId);
  }

  async function refusals(reason: string): Promise<number> {
    const text = await (await rs.request('/metrics')).text();
    return metricValue(text, `client_basic_refusals_total{reason="${reason}"}`);
  }

  async function auditRows(clientId: string): Promise<{ action: string; clientId: string | null; targetId: string | null; details: Record<string, unknown>; ip: string | null }[]> {
    const response = await rs.request(`/admin/v1/audit?limit=100`, { token: adminToken });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { action: string; clientId: string | null; targetId: string | null; details: Record<string, unknown>; ip: string | null }[] };
    return items.filter((item) => item.clientId === clientId && item.action.startsWith('client_basic.'));
  }

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    billing = await createStackClient(as, 'Billing batch', ['billing.read']);
    rsAdmin = await createStackClient(as, 'RS admin', ['rs.admin']);
    const upstreamUrl = await upstream.start();
    const routesFile = join(mkdtempSync(join(tmpdir(), 'client-basic-')), 'routes.json');
    writeFileSync(
      routesFile,
      JSON.stringify({
        routes: [
          { match: { pathPrefix: '/billing' }, upstream: upstreamUrl, scopes: { allOf: ['billing.read'] }, clientBasic: true },
          { match: { pathPrefix: '/reports' }, upstream: upstreamUrl, scopes: { allOf: [] }, clientBasic: true },
          { match: { pathPrefix: '/tokens-only' }, upstream: upstreamUrl, scopes: { allOf: [] } },
        ],
      }),
    );
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus, env: { RESOURCE_ROUTES_FILE: routesFile } });
    await rs.waitUntilReady(20_000);
    adminToken = await clientCredentialsToken(as, rsAdmin, 'rs.admin');
    await eventually(async () => (await rs.request('/admin/v1/sync', { token: adminToken })).status === 200, ENFORCEMENT_WAIT_MS, 'the admin client to be known');
  });

  afterAll(async () => {
    await rs?.close();
    if (!asClosed) await as?.close();
    await upstream.close();
  });

  it('admits the right secret: the upstream sees the client as subject, its scopes, no token id, no Authorization', async () => {
    const response = await rs.request('/billing/invoices', {
      headers: { authorization: basic(billing.clientId, billing.clientSecret), 'x-auth-subject': 'forged', 'x-auth-token-id': 'forged' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('upstream');
    const seen = upstream.received.at(-1)!;
    expect(seen.url).toBe('/billing/invoices');
    expect(seen.headers['x-auth-subject']).toBe(billing.clientId);
    expect(seen.headers['x-auth-client-id']).toBe(billing.clientId);
    expect(seen.headers['x-auth-scope']).toBe('billing.read');
    expect(seen.headers['x-auth-token-id']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    // Cached: the same credentials again, and the form-encoded Basic of RFC 6749 §2.3.1, work too.
    expect((await viaGateway('/billing/x', basic(billing.clientId, billing.clientSecret))).status).toBe(200);
    expect((await viaGateway('/billing/x', `basic ${Buffer.from(`${billing.clientId}:${billing.clientSecret}`).toString('base64')}`)).status).toBe(200);
  });

  it('forward auth answers the same identity headers', async () => {
    const response = await viaForwardAuth('/billing/invoices', basic(billing.clientId, billing.clientSecret), '203.0.113.1');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-auth-subject')).toBe(billing.clientId);
    expect(response.headers.get('x-auth-client-id')).toBe(billing.clientId);
    expect(response.headers.get('x-auth-scope')).toBe('billing.read');
    expect(response.headers.get('x-auth-token-id')).toBeNull();
  });

  it("applies the route's scope rule to the client's associated scopes: 403 without billing.read", async () => {
    const other = await createStackClient(as, 'No billing scope');
    await eventually(async () => (await viaGateway('/reports/r', basic(other.clientId, other.clientSecret))).status === 200, ENFORCEMENT_WAIT_MS, 'the client to be known');
    const refused = await viaGateway('/billing/invoices', basic(other.clientId, other.clientSecret));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('follows the scopes the auth server associates: a disassociated scope no longer opens the route', async () => {
    const client = await createStackClient(as, 'Loses its scope', ['billing.read']);
    const authorization = basic(client.clientId, client.clientSecret);
    await eventually(async () => (await viaGateway('/billing/x', authorization)).status === 200, ENFORCEMENT_WAIT_MS, 'the client admitted');
    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}/scopes/billing.read`);
    await eventually(async () => (await viaGateway('/billing/x', authorization)).status === 403, ENFORCEMENT_WAIT_MS, 'the scope taken away');
    expect((await viaGateway('/reports/x', authorization)).status).toBe(200);
    expect(upstream.received.at(-1)!.headers['x-auth-scope']).toBe('');
  });

  it('still admits bearer tokens on such a route', async () => {
    const token = await clientCredentialsToken(as, billing);
    const response = await rs.request('/billing/with-token', { token });
    expect(response.status).toBe(200);
    expect(upstream.received.at(-1)!.headers['x-auth-token-id']).toEqual(expect.any(String));
  });

  it('challenges for Basic beside Bearer on such a route (many Basic clients wait for the challenge), not on others', async () => {
    const bare = await viaGateway('/billing/x');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="[^"]+\/billing", Basic realm="portcullis", charset="UTF-8"$/);
    const badToken = await rs.request('/billing/x', { token: 'not-a-token' });
    expect(badToken.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token".*, Basic realm="portcullis"/);
    const tokensOnly = await viaGateway('/tokens-only/x');
    expect(tokensOnly.headers.get('www-authenticate')).not.toContain('Basic');
  });

  it('refuses Basic on a route without the flag, as before (a Bearer challenge, nothing checked)', async () => {
    const before = await refusals('wrong_secret');
    const response = await viaGateway('/tokens-only/x', basic(billing.clientId, billing.clientSecret));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await refusals('wrong_secret')).toBe(before);
  });

  it('refuses a wrong secret, an unknown client and malformed credentials alike: 401 invalid_client with a Basic challenge, audited, counted', async () => {
    const received = upstream.received.length;
    const wrongBefore = await refusals('wrong_secret');
    const cases = [
      basic(billing.clientId, 'not-the-secret'),
      basic('no-such-client', 'whatever'),
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      'Basic %%%',
    ];
    const bodies = [];
    for (const authorization of cases) {
      const response = await viaForwardAuth('/billing/x', authorization, '198.51.100.2');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(BASIC_CHALLENGE);
      bodies.push(await response.json());
    }
    // TC-2: nothing tells an unknown id from a wrong secret.
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ status: 401, title: 'invalid_client' });
    const gateway = await viaGateway('/billing/x', basic(billing.clientId, 'not-the-secret'));
    expect(gateway.status).toBe(401);
    expect(gateway.headers.get('www-authenticate')).toMatch(BASIC_CHALLENGE);
    expect(upstream.received.length).toBe(received);
    expect(await refusals('wrong_secret')).toBe(wrongBefore + 2);
    expect(await refusals('unknown_client')).toBeGreaterThanOrEqual(1);
    expect(await refusals('malformed')).toBeGreaterThanOrEqual(2);
    await eventually(async () => (await auditRows(billing.clientId)).some((row) => row.details.reason === 'wrong_secret'), ENFORCEMENT_WAIT_MS, 'the refusal audited');
    const [row] = (await auditRows(billing.clientId)).filter((candidate) => candidate.details.reason === 'wrong_secret');
    expect(row).toMatchObject({ action: 'client_basic.refused', targetId: '/billing' });
    expect(JSON.stringify(await auditRows(billing.clientId))).not.toContain('not-the-secret');
  });

  it('refuses a public client without asking the auth server', async () => {
    const app = await adminOk<{ clientId: string }>(as, 'POST', '/admin/v1/clients', {
      name: 'A public app',
      version: '1.0',
      type: 'public',
      redirectUris: ['http://127.0.0.1:9/callback'],
      grants: ['authorization_code'],
    });
    await eventually(() => known(app.clientId), ENFORCEMENT_WAIT_MS, 'the public client to be known');
    const response = await viaForwardAuth('/reports/x', basic(app.clientId, 'anything'), '198.51.100.3');
    expect(response.status).toBe(401);
    expect(await refusals('public_client')).toBe(1);
  });

  it('refuses a client deactivated at the auth server, after the event, though its credentials were cached', async () => {
    const client = await createStackClient(as, 'Deactivated later');
    const authorization = basic(client.clientId, client.clientSecret);
    await eventually(async () => (await viaGateway('/reports/x', authorization)).status === 200, ENFORCEMENT_WAIT_MS, 'the client admitted');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await eventually(async () => (await viaGateway('/reports/x', authorization)).status === 401, ENFORCEMENT_WAIT_MS, 'the deactivated client refused');
    expect(await refusals('inactive_client')).toBeGreaterThanOrEqual(1);
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: true });
    await eventually(async () => (await viaGateway('/reports/x', authorization)).status === 200, ENFORCEMENT_WAIT_MS, 'the reactivated client admitted');
  });

  it('refuses a client disabled at this resource server, and a deleted one', async () => {
    const client = await createStackClient(as, 'Disabled here');
    const authorization = basic(client.clientId, client.clientSecret);
    await eventually(async () => (await viaGateway('/reports/x', authorization)).status === 200, ENFORCEMENT_WAIT_MS, 'the client admitted');
    const patch = await rs.request(`/admin/v1/clients/${client.clientId}`, { method: 'PATCH', token: adminToken, json: { enabled: false } });
    expect(patch.status).toBe(200);
    expect((await viaGateway('/reports/x', authorization)).status).toBe(401);
    expect(await refusals('disabled_client')).toBeGreaterThanOrEqual(1);
    await rs.request(`/admin/v1/clients/${client.clientId}`, { method: 'PATCH', token: adminToken, json: { enabled: true } });
    expect((await viaGateway('/reports/x', authorization)).status).toBe(200);
    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}`);
    await eventually(async () => (await viaGateway('/reports/x', authorization)).status === 401, ENFORCEMENT_WAIT_MS, 'the deleted client refused');
  });

  it('refuses a rotated secret once the change arrives, and admits the new one', async () => {
    const client = await createStackClient(as, 'Rotating');
    const old = basic(client.clientId, client.clientSecret);
    await eventually(async () => (await viaGateway('/reports/x', old)).status === 200, ENFORCEMENT_WAIT_MS, 'the client admitted');
    const { clientSecret } = await adminOk<{ clientSecret: string }>(as, 'POST', `/admin/v1/clients/${client.clientId}/secret`, {});
    await eventually(async () => (await viaGateway('/reports/x', old)).status === 401, ENFORCEMENT_WAIT_MS, 'the old secret refused');
    expect((await viaGateway('/reports/x', basic(client.clientId, clientSecret))).status).toBe(200);
  });

  it('throttles failures per caller address: 429 with Retry-After, even right credentials not checked meanwhile; another address unaffected', async () => {
    const client = await createStackClient(as, 'Guessed at');
    const bystander = await createStackClient(as, 'Bystander');
    await eventually(async () => (await known(client.clientId)) && (await known(bystander.clientId)), ENFORCEMENT_WAIT_MS, 'the clients to be known');
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await viaForwardAuth('/reports/x', basic(client.clientId, `guess-${i}`), '192.0.2.50')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const locked = await viaForwardAuth('/reports/x', basic(bystander.clientId, bystander.clientSecret), '192.0.2.50');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await viaForwardAuth('/reports/x', basic(bystander.clientId, bystander.clientSecret), '192.0.2.51')).status).toBe(200);
    expect(await refusals('throttled')).toBeGreaterThanOrEqual(2);
    await eventually(async () => (await auditRows(client.clientId)).some((row) => row.action === 'client_basic.throttled'), ENFORCEMENT_WAIT_MS, 'the lock audited');
  });

  it('throttles failures per client id, from any address; credentials accepted before still pass', async () => {
    const client = await createStackClient(as, 'Guessed from everywhere');
    const right = basic(client.clientId, client.clientSecret);
    await eventually(async () => (await viaForwardAuth('/reports/x', right, '192.0.2.99')).status === 200, ENFORCEMENT_WAIT_MS, 'the client admitted');
    for (let i = 0; i < 10; i++) expect((await viaForwardAuth('/reports/x', basic(client.clientId, `guess-${i}`), `192.0.2.${100 + i}`)).status).toBe(401);
    expect((await viaForwardAuth('/reports/x', basic(client.clientId, 'guess-x'), '192.0.2.200')).status).toBe(429);
    // Cached: checked a moment ago, the lock does not keep the client out.
    expect((await viaForwardAuth('/reports/x', right, '192.0.2.201')).status).toBe(200);
  });

  it('fails closed when the auth server is down: 503 for credentials not checked yet, cached ones still pass', async () => {
    const unchecked = await createStackClient(as, 'Never checked');
    await eventually(() => known(unchecked.clientId), ENFORCEMENT_WAIT_MS, 'the client to be known');
    await as.close();
    asClosed = true;
    const response = await viaGateway('/reports/x', basic(unchecked.clientId, unchecked.clientSecret));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await refusals('auth_server_unavailable')).toBeGreaterThanOrEqual(1);
    expect((await viaGateway('/billing/x', basic(billing.clientId, billing.clientSecret))).status).toBe(200);
  });
});
