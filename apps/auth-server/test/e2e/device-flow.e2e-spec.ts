import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import pg from 'pg';
import { eventually, freePort, holdCalls } from '#testing';
import { AuthFailureThrottle, DEFAULT_THROTTLE_POLICY } from '../../src/rate-limit/auth-failure-throttle.js';
import { GrantsRepository } from '../../src/tokens/grants.repository.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { createTestClient, csrfOf, patchClient, TestBrowser, tokenRequest, type ClientSpec, type TestClient } from '../support/authorize-flow.helpers.js';
import { basic, createUser, postForm, sql } from '../support/token-fixtures.js';

// Booting the app, driving the pages and openid-client's 5 s polling interval take a while.
jest.setTimeout(90_000);

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const ALICE = { username: 'alice', password: 'alice-password-3f2e1d0c' };
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const DEVICE_UA = 'SmartTV/4.2 (living room)';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

interface AuditItem {
  action: string;
  actor: { type: string; id: string | null } | string | null;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

/**
 * RFC 8628 end to end: oauth4webapi and openid-client play the device, the /device pages are
 * driven as a browser would (cookies, forms), and every refusal is checked for its RFC error,
 * for issuing nothing, and for its audit row.
 */
describe('device authorization grant (RFC 8628)', () => {
  let server: RunningAuthServer;
  let issuer: string;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    // openid-client insists that the discovered issuer is the URL it was given: listen on it.
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    issuer = server.config.issuer;
    as = await oauth.processDiscoveryResponse(new URL(issuer), await server.request('/.well-known/oauth-authorization-server'));
    // Every test enters codes from 127.0.0.1; the throttle's own test sets the real limit.
    server.app.get(AuthFailureThrottle).usePolicy({ ...DEFAULT_THROTTLE_POLICY, maxFailures: 1000 });
    await createUser(server, ALICE.username, ALICE.password);
    const privileged = await server.request('/admin/v1/scopes', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { name: 'device.admin', description: '', requiredPermission: 'access_control' },
    });
    expect(privileged.status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  function deviceClient(spec: ClientSpec = {}): Promise<TestClient> {
    return createTestClient(server, {
      type: 'public',
      grants: [DEVICE_GRANT as never],
      redirectUris: [],
      scopes: ['openid', 'offline_access', 'read', 'write'],
      refreshCount: { mode: 'limited', limit: 3 },
      ...spec,
    });
  }

  /** POST /oauth/device_authorization as a device would, its user agent included. */
  async function authorize(client: TestClient, params: Record<string, string> | [string, string][] = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams(params);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': DEVICE_UA };
    if (client.clientSecret) headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    else form.set('client_id', client.clientId);
    const response = await server.request('/oauth/device_authorization', { method: 'POST', headers, body: form.toString() });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function started(client: TestClient, params: Record<string, string> = {}): Promise<DeviceAuthorization> {
    const { status, body } = await authorize(client, params);
    expect(status).toBe(200);
    return body as unknown as DeviceAuthorization;
  }

  function poll(client: TestClient, deviceCode: string) {
    return tokenRequest(server, { grant_type: DEVICE_GRANT, device_code: deviceCode }, client);
  }

  /** The path of a verification URI on the test server (the issuer is where it listens). */
  function pathOf(uri: string): string {
    const url = new URL(uri);
    return `${url.pathname}${url.search}`;
  }

  /** Opens /device (pre-filled or not), posts the code; answers the page that follows. */
  async function enterCode(browser: TestBrowser, userCode: string, from = '/device'): Promise<Response> {
    const page = await browser.get(from);
    expect(page.status).toBe(200);
    return browser.post('/device', { csrf_token: csrfOf(await page.text()), user_code: userCode });
  }

  function handleOf(html: string): string {
    const match = /name="handle" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no handle in the page: ${html.slice(0, 300)}`);
    return match[1];
  }

  /** The whole user side: code, login unless the session signs in, then the decision. */
  async function answer(userCode: string, decision: 'approve' | 'deny', browser = new TestBrowser(server)): Promise<{ browser: TestBrowser; confirmation: string }> {
    let page = await enterCode(browser, userCode);
    let html = await page.text();
    expect(page.status).toBe(200);
    if (html.includes('name="password"')) {
      page = await browser.post('/device/login', { handle: handleOf(html), ...ALICE });
      html = await page.text();
      expect(page.status).toBe(200);
    }
    expect(html).toContain('action="/device/decision"');
    const decided = await browser.post('/device/decision', { handle: handleOf(html), decision });
    expect(decided.status).toBe(200);
    return { browser, confirmation: html };
  }

  async function audit(action: string): Promise<AuditItem[]> {
    const response = await server.request(`/admin/v1/audit?action=${action}&limit=100`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: AuditItem[] }).items;
  }

  /** RFC 7662 as the client itself asks about its own token. */
  async function introspect(client: TestClient, token: string): Promise<Record<string, unknown>> {
    const response = await postForm(server, '/oauth/introspect', { token }, { authorization: basic(client.clientId, client.clientSecret!) });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  /** The tokens a reused device code revoked: inactive, the refresh token refused, the reuse audited once. */
  async function expectRevokedByReuse(client: TestClient, tokens: { access_token?: string; refresh_token?: string }): Promise<void> {
    expect(await introspect(client, tokens.access_token!)).toEqual({ active: false });
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, client);
    expect(refreshed).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const [request] = await sql<{ id: string }>(server, 'SELECT id FROM device_requests WHERE client_id = $1', [client.clientId]);
    const reuses = (await audit('token.reuse_detected')).filter((item) => item.targetId === request.id);
    expect(reuses).toEqual([expect.objectContaining({ targetType: 'device_request', details: { replayed: 'device_code', revoked: true } })]);
    expect((await audit('token.failed')).some((item) => item.targetId === request.id && item.details.reason === 'already_used')).toBe(true);
  }

  async function grantsOf(client: TestClient): Promise<number> {
    const [row] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM grants g JOIN clients c ON c.id = g.client_ref WHERE c.client_id = $1', [client.clientId]);
    return row.count;
  }

  it('is advertised in the metadata documents', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = (await (await server.request(path)).json()) as Record<string, unknown>;
      expect(metadata.device_authorization_endpoint).toBe(`${issuer}/oauth/device_authorization`);
      expect(metadata.grant_types_supported).toContain(DEVICE_GRANT);
    }
  });

  it('oauth4webapi: a public client waits, the user approves, the device gets tokens once, and refreshes', async () => {
    const registered = await deviceClient();
    const client: oauth.Client = { client_id: registered.clientId };
    const authorization = await oauth.processDeviceAuthorizationResponse(
      as,
      client,
      await oauth.deviceAuthorizationRequest(as, client, oauth.None(), { scope: 'read' }, insecure),
    );
    expect(authorization.user_code).toMatch(USER_CODE);
    expect(authorization.verification_uri).toBe(`${issuer}/device`);
    expect(authorization.verification_uri_complete).toBe(`${issuer}/device?user_code=${authorization.user_code}`);
    expect(authorization.expires_in).toBe(600);
    expect(authorization.interval).toBe(5);

    const pollOnce = async () => oauth.processDeviceCodeResponse(as, client, await oauth.deviceCodeGrantRequest(as, client, oauth.None(), authorization.device_code, insecure));
    await expect(pollOnce()).rejects.toMatchObject({ error: 'authorization_pending' });

    // verification_uri_complete pre-fills the code.
    const browser = new TestBrowser(server);
    const prefilled = await (await browser.get(pathOf(authorization.verification_uri_complete!))).text();
    expect(prefilled).toContain(`value="${authorization.user_code}"`);
    const { confirmation } = await answer(authorization.user_code, 'approve', browser);
    expect(confirmation).toContain(`${registered.name} (1.0)`);
    expect(confirmation).toContain('<code>read</code>');
    expect(confirmation).toContain('127.0.0.1');
    expect(confirmation).toMatch(/oauth4webapi/);

    // The approval came sooner than the interval after the first poll: tokens all the same.
    const tokens = await pollOnce();
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.id_token).toBeUndefined();

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(refreshed.scope).toBe('read');

    // Single use: the same code again is invalid_grant, issues nothing more, and is audited (and
    // revokes the tokens: see the reuse test below).
    const grantsBefore = await grantsOf(registered);
    await expect(pollOnce()).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await grantsOf(registered)).toBe(grantsBefore);
    expect((await audit('token.failed')).some((item) => item.details.reason === 'already_used' && item.details.grantType === DEVICE_GRANT)).toBe(true);
  });

  it('openid-client: a confidential client gets an id token with openid, typed code in any case and without its dash, and refreshes', async () => {
    const registered = await deviceClient({ type: 'confidential' });
    const metadata = (await (await server.request('/.well-known/openid-configuration')).json()) as openid.ServerMetadata;
    const config = new openid.Configuration(metadata, registered.clientId, registered.clientSecret, openid.ClientSecretBasic(registered.clientSecret));
    openid.allowInsecureRequests(config);

    const authorization = await openid.initiateDeviceAuthorization(config, { scope: 'openid offline_access read' });
    expect(authorization.user_code).toMatch(USER_CODE);
    await answer(authorization.user_code.replace('-', '').toLowerCase(), 'approve');

    const tokens = await openid.pollDeviceAuthorizationGrant(config, authorization);
    expect(tokens.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read']);
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: issuer, aud: registered.clientId, sub: ALICE.username });
    expect(claims?.auth_time).toEqual(expect.any(Number));
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await openid.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()?.sub).toBe(ALICE.username);
    expect(refreshed.claims()?.auth_time).toBe(claims?.auth_time);
  });

  it('openid-client: a denial ends the polling with access_denied, audited, nothing issued', async () => {
    const registered = await deviceClient({ type: 'confidential' });
    const metadata = (await (await server.request('/.well-known/openid-configuration')).json()) as openid.ServerMetadata;
    const config = new openid.Configuration(metadata, registered.clientId, registered.clientSecret, openid.ClientSecretBasic(registered.clientSecret));
    openid.allowInsecureRequests(config);
    const authorization = await openid.initiateDeviceAuthorization(config, { scope: 'read' });
    await answer(authorization.user_code, 'deny');
    await expect(openid.pollDeviceAuthorizationGrant(config, authorization)).rejects.toMatchObject({ error: 'access_denied' });
    expect(await grantsOf(registered)).toBe(0);
    expect((await audit('device.denied')).some((item) => item.details.clientId === registered.clientId)).toBe(true);
    expect((await audit('token.failed')).some((item) => item.details.reason === 'access_denied')).toBe(true);
  });

  it('slow_down when polled faster than the interval, which grows by 5 s each time and is remembered', async () => {
    const registered = await deviceClient();
    const authorization = await started(registered);
    expect((await poll(registered, authorization.device_code)).body.error).toBe('authorization_pending');
    const fast = await poll(registered, authorization.device_code);
    expect(fast.status).toBe(400);
    expect(fast.body.error).toBe('slow_down');
    expect((await poll(registered, authorization.device_code)).body.error).toBe('slow_down');
    const [row] = await sql<{ interval_seconds: number }>(server, 'SELECT interval_seconds FROM device_requests WHERE client_id = $1', [registered.clientId]);
    expect(row.interval_seconds).toBe(15);
    expect(await grantsOf(registered)).toBe(0);
  });

  it('refuses a device code polled by another client (invalid_grant, audited); its own client still gets the tokens', async () => {
    const owner = await deviceClient();
    const other = await deviceClient();
    const authorization = await started(owner, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    const stolen = await poll(other, authorization.device_code);
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await grantsOf(other)).toBe(0);
    const failures = await audit('token.failed');
    expect(failures.some((item) => item.details.reason === 'unknown' && JSON.stringify(item.actor).includes(other.clientId))).toBe(true);
    const tokens = await poll(owner, authorization.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toEqual(expect.any(String));
  });

  it('refuses an unknown device code (invalid_grant) and a missing one (invalid_request)', async () => {
    const registered = await deviceClient();
    expect(await poll(registered, 'not-a-device-code')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await tokenRequest(server, { grant_type: DEVICE_GRANT }, registered)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('answers expired_token once the deviceCodeLifetimeSeconds setting has passed; the page refuses the code', async () => {
    const settings = (body: unknown) => server.request('/admin/v1/settings', { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: body });
    expect((await settings({ deviceCodeLifetimeSeconds: 1 })).status).toBe(200);
    try {
      const registered = await deviceClient();
      const authorization = await started(registered);
      expect(authorization.expires_in).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await poll(registered, authorization.device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
      const page = await enterCode(new TestBrowser(server), authorization.user_code);
      expect(page.status).toBe(400);
      expect(await grantsOf(registered)).toBe(0);
      expect((await audit('token.failed')).some((item) => item.details.reason === 'expired_token')).toBe(true);
    } finally {
      expect((await settings({ deviceCodeLifetimeSeconds: 600 })).status).toBe(200);
    }
  });

  it('refuses clients without the grant, wrong secrets, unknown scopes and resources, and stores nothing', async () => {
    const [{ count: before }] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM device_requests');
    const codeOnly = await createTestClient(server, { type: 'public', grants: ['authorization_code'], redirectUris: ['http://127.0.0.1/cb'], scopes: ['read'] });
    expect(await authorize(codeOnly)).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    const confidential = await deviceClient({ type: 'confidential' });
    expect(await authorize({ ...confidential, clientSecret: 'wrong' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await authorize({ ...confidential, clientId: 'nobody' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const registered = await deviceClient();
    expect(await authorize(registered, { scope: 'admin-everything' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await authorize(registered, { resource: 'https://unregistered.example.com/' })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    expect(await authorize(registered, [['scope', 'read'], ['scope', 'write']])).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const [{ count: after }] = await sql<{ count: number }>(server, 'SELECT count(*)::int AS count FROM device_requests');
    expect(after).toBe(before);
    // A client registered for the device grant only may not poll with another grant type either.
    expect((await tokenRequest(server, { grant_type: 'authorization_code', code: 'x' }, registered)).body.error).toBe('unauthorized_client');
    // Nor may a client without the device grant poll, even with a live device code of its own name.
    const live = await started(registered);
    expect(await tokenRequest(server, { grant_type: DEVICE_GRANT, device_code: live.device_code }, codeOnly)).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  it('keeps only hashes of the codes; the admin list shows pending requests with the device, never a code', async () => {
    const registered = await deviceClient();
    const authorization = await started(registered, { scope: 'read' });
    const rows = await sql<Record<string, unknown>>(server, 'SELECT * FROM device_requests WHERE client_id = $1', [registered.clientId]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(authorization.device_code);
    expect(stored).not.toContain(authorization.user_code);
    expect(stored).not.toContain(authorization.user_code.replace('-', ''));

    const list = async () => {
      const response = await server.request('/admin/v1/device-requests', { headers: { authorization: server.adminAuthorization } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Record<string, unknown>[] }).items.filter((item) => item.clientId === registered.clientId);
    };
    const [pending] = await list();
    expect(pending).toEqual({
      id: expect.any(String),
      clientId: registered.clientId,
      scopes: ['read'],
      resources: [],
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      ip: '127.0.0.1',
      userAgent: DEVICE_UA,
    });
    expect((await server.request('/admin/v1/device-requests')).status).toBe(401);
    await answer(authorization.user_code, 'approve');
    expect(await list()).toEqual([]);
  });

  it('signs the user in with the browser session: a second device goes straight to the confirmation', async () => {
    const registered = await deviceClient();
    const first = await started(registered);
    const { browser } = await answer(first.user_code, 'approve');
    const second = await started(registered);
    const page = await enterCode(browser, second.user_code);
    const html = await page.text();
    expect(html).not.toContain('name="password"');
    expect(html).toContain('Signed in as <strong>alice</strong>');
    expect(html).toContain(DEVICE_UA.replace('(', '(').slice(0, 10));
  });

  it('refuses the code form without its CSRF cookie, and the later forms without the handle of this browser or a session', async () => {
    const registered = await deviceClient();
    const authorization = await started(registered);
    const bare = new TestBrowser(server);
    expect((await bare.post('/device', { csrf_token: 'forged', user_code: authorization.user_code })).status).toBe(403);
    expect((await bare.post('/device/decision', { handle: 'forged', decision: 'approve' })).status).toBe(403);
    // A handle is bound to the browser that entered the code: no use without its cookie (a cross-site
    // post), nor from another browser, even one signed in; and the right browser needs a session.
    const entering = new TestBrowser(server);
    const handle = handleOf(await (await enterCode(entering, authorization.user_code)).text());
    expect((await bare.post('/device/decision', { handle, decision: 'approve' })).status).toBe(403);
    expect((await bare.post('/device/login', { handle, ...ALICE })).status).toBe(403);
    const { browser: signedIn } = await answer((await started(registered)).user_code, 'approve');
    expect((await signedIn.post('/device/decision', { handle, decision: 'approve' })).status).toBe(400);
    expect((await signedIn.post('/device/login', { handle, ...ALICE })).status).toBe(400);
    expect((await entering.post('/device/decision', { handle, decision: 'approve' })).status).toBe(403);
    expect((await poll(registered, authorization.device_code)).body.error).toBe('authorization_pending');
    // The browser that entered it signs in and answers.
    const confirm = await entering.post('/device/login', { handle, ...ALICE });
    expect(confirm.status).toBe(200);
    expect((await entering.post('/device/decision', { handle: handleOf(await confirm.text()), decision: 'approve' })).status).toBe(200);
    expect((await poll(registered, authorization.device_code)).status).toBe(200);
  });

  it('throttles wrong user codes per IP and audits them; right codes neither count nor reset the count', async () => {
    const throttle = server.app.get(AuthFailureThrottle);
    await sql(server, `DELETE FROM auth_failures WHERE key LIKE 'user_code:%'`);
    throttle.usePolicy({ maxFailures: 3, windowSeconds: 300, lockoutSeconds: 60 });
    try {
      const registered = await deviceClient();
      const authorization = await started(registered);
      const browser = new TestBrowser(server);
      const auditedBefore = (await audit('device.user_code.failed')).length;
      expect((await enterCode(browser, 'BCDF-GHJK')).status).toBe(400);
      // A household entering its codes is not throttled: right ones cost nothing...
      for (let entry = 0; entry < 4; entry++) expect((await enterCode(browser, authorization.user_code)).status).toBe(200);
      expect((await enterCode(browser, 'not a code')).status).toBe(400);
      expect((await enterCode(browser, 'ZZZZ-ZZZZ')).status).toBe(400);
      // ...and do not wipe the wrong ones either: the fourth attempt over three wrong ones is refused, right or not.
      const locked = await enterCode(browser, authorization.user_code);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toEqual(expect.any(String));
      expect((await audit('device.user_code.failed')).length).toBe(auditedBefore + 3);
    } finally {
      throttle.usePolicy({ ...DEFAULT_THROTTLE_POLICY, maxFailures: 1000 });
      await sql(server, `DELETE FROM auth_failures WHERE key LIKE 'user_code:%'`);
    }
  });

  it('redeems an approved code once under 10 parallel polls (atomic spending)', async () => {
    const registered = await deviceClient();
    const authorization = await started(registered, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    const answers = await Promise.all(Array.from({ length: 10 }, () => poll(registered, authorization.device_code)));
    expect(answers.filter((one) => one.status === 200)).toHaveLength(1);
    expect(answers.filter((one) => one.status === 400 && one.body.error === 'invalid_grant')).toHaveLength(9);
    expect(await grantsOf(registered)).toBe(1);
  });

  it('revokes the tokens of a device code polled again after they were issued (RFC 6749 §4.1.2), audited as token.reuse_detected', async () => {
    const registered = await deviceClient({ type: 'confidential' });
    const authorization = await started(registered, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    const issued = await poll(registered, authorization.device_code);
    expect(issued).toMatchObject({ status: 200, body: { access_token: expect.any(String), refresh_token: expect.any(String) } });
    expect(await introspect(registered, issued.body.access_token!)).toMatchObject({ active: true });

    const again = await poll(registered, authorization.device_code);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the device_code was already used' } });
    await expectRevokedByReuse(registered, issued.body);
    expect(await grantsOf(registered)).toBe(1);
  });

  it('revokes the winner\'s tokens when a concurrent poll loses the race to spend the code', async () => {
    const registered = await deviceClient({ type: 'confidential' });
    const authorization = await started(registered, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    // Both polls saw the code approved and unspent before either grant statement runs: one spends it.
    const held = holdCalls(server.app.get(GrantsRepository), 'insertRedeemingDeviceCode');
    const polls = Promise.all([poll(registered, authorization.device_code), poll(registered, authorization.device_code)]);
    try {
      await eventually(() => held.arrived === 2, 10_000, 'both polls to reach the grant statement');
    } finally {
      held.release();
    }
    const answers = await polls;
    const winner = answers.find((one) => one.status === 200);
    expect(winner?.body.access_token).toEqual(expect.any(String));
    expect(answers.filter((one) => one.status === 400 && one.body.error_description === 'the device_code was already used')).toHaveLength(1);
    await expectRevokedByReuse(registered, winner!.body);
    expect(await grantsOf(registered)).toBe(1);
  });

  it('spends an approved code once when the polls race past a held row lock (real PostgreSQL only)', async () => {
    // PGlite answers one connection at a time: no second session can hold the lock there.
    if (!server.database.real) return;
    const registered = await deviceClient();
    const authorization = await started(registered, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    const db = new pg.Client({ connectionString: server.database.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM device_requests WHERE client_id = $1 FOR UPDATE', [registered.clientId]);
      const polls = Promise.all(Array.from({ length: 10 }, () => poll(registered, authorization.device_code)));
      const waiting = async () =>
        Number((await db.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n) >= 3;
      await eventually(waiting, 10_000, 'polls waiting on the row lock');
      await db.query('COMMIT');
      const answers = await polls;
      expect(answers.filter((one) => one.status === 200)).toHaveLength(1);
      expect(await grantsOf(registered)).toBe(1);
    } finally {
      await db.end();
    }
  });

  it('spends nothing when the grant cannot be written: the next poll gets the tokens', async () => {
    const registered = await deviceClient();
    const authorization = await started(registered, { scope: 'read' });
    await answer(authorization.user_code, 'approve');
    const grants = server.app.get(GrantsRepository);
    const outage = jest.spyOn(grants, 'insertRedeemingDeviceCode').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    try {
      const failed = await poll(registered, authorization.device_code);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(outage).toHaveBeenCalledTimes(1);
    } finally {
      outage.mockRestore();
    }
    const retried = await poll(registered, authorization.device_code);
    expect(retried).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    expect(await grantsOf(registered)).toBe(1);
    expect(await poll(registered, authorization.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses a user deactivated after approving (invalid_grant, audited), and spends the code', async () => {
    const bob = { username: 'bob-device', password: 'bob-password-9a8b7c6d' };
    const { id: bobId } = await createUser(server, bob.username, bob.password);
    const registered = await deviceClient();
    const authorization = await started(registered);
    const browser = new TestBrowser(server);
    const login = await enterCode(browser, authorization.user_code);
    const confirm = await browser.post('/device/login', { handle: handleOf(await login.text()), ...bob });
    expect(confirm.status).toBe(200);
    expect((await browser.post('/device/decision', { handle: handleOf(await confirm.text()), decision: 'approve' })).status).toBe(200);
    const patched = await server.request(`/admin/v1/users/${bobId}`, { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { active: false } });
    expect(patched.status).toBe(200);
    expect(await poll(registered, authorization.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await poll(registered, authorization.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await grantsOf(registered)).toBe(0);
    expect((await audit('token.failed')).some((item) => item.details.reason === 'invalid_grant' && JSON.stringify(item.actor).includes(registered.clientId))).toBe(true);
  });

  it('refuses a deactivated client at both endpoints, and a confidential client without its secret (invalid_client)', async () => {
    const confidential = await deviceClient({ type: 'confidential' });
    const authorization = await started(confidential);
    expect(await authorize({ ...confidential, clientSecret: undefined })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await poll({ ...confidential, clientSecret: undefined }, authorization.device_code)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    await patchClient(server, confidential.clientId, { active: false });
    expect(await authorize(confidential)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await poll(confidential, authorization.device_code)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // The user can no longer approve for it either.
    expect((await enterCode(new TestBrowser(server), authorization.user_code)).status).toBe(400);
    expect(await grantsOf(confidential)).toBe(0);
  });

  it('privileged scopes: named by the device and lacking the permission is invalid_scope; implied, it is left out', async () => {
    const registered = await deviceClient({ scopes: ['read', 'device.admin'] });
    const named = await started(registered, { scope: 'read device.admin' });
    const browser = new TestBrowser(server);
    let page = await enterCode(browser, named.user_code);
    page = await browser.post('/device/login', { handle: handleOf(await page.text()), ...ALICE });
    const html = await page.text();
    // The confirmation shows what the user would get.
    expect(html).not.toContain('<code>device.admin</code>');
    expect((await browser.post('/device/decision', { handle: handleOf(html), decision: 'approve' })).status).toBe(403);
    expect(await poll(registered, named.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await grantsOf(registered)).toBe(0);
    expect((await audit('device.denied')).some((item) => item.details.reason === 'invalid_scope')).toBe(true);

    const implied = await started(registered);
    await answer(implied.user_code, 'approve', browser);
    const tokens = await poll(registered, implied.device_code);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('read');
  });

  it('serves the pages unframeable, uncached and without referrer; the endpoint answers no-store', async () => {
    const page = await server.request('/device');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('set-cookie')).toMatch(/portcullis_device_csrf=[^;]+; Path=\/device; HttpOnly; SameSite=Strict/);
    // A second tab keeps the first one's token, so that either form still posts.
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const second = await server.request('/device', { headers: { cookie } });
    expect(second.headers.get('set-cookie')?.split(';')[0]).toBe(cookie);
    const registered = await deviceClient();
    const response = await server.request('/oauth/device_authorization', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: registered.clientId }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await server.request('/oauth/device_authorization')).status).toBe(405);
  });

  it('escapes what the code page echoes from verification_uri_complete', async () => {
    const page = await server.request('/device?user_code=%3Cscript%3E');
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
  it('registers a device client through RFC 7591 when the policy allows the grant, and runs the flow with it', async () => {
    const settings = (body: unknown) => server.request('/admin/v1/settings', { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: body });
    const metadata = { client_name: 'CLI', grant_types: [DEVICE_GRANT, 'refresh_token'], token_endpoint_auth_method: 'none', scope: 'read' };
    const register = () => server.request('/oauth/register', { method: 'POST', json: metadata });
    const scope = await server.request('/admin/v1/scopes', { method: 'POST', headers: { authorization: server.adminAuthorization }, json: { name: 'read', description: '' } });
    expect([201, 409]).toContain(scope.status);
    expect((await settings({ dynamicRegistration: 'open' })).status).toBe(200);
    try {
      // The default policy does not list the device grant.
      expect(await (await register()).json()).toMatchObject({ error: 'invalid_client_metadata' });
      expect((await settings({ registrationPolicy: { grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT] } })).status).toBe(200);
      const response = await register();
      if (response.status !== 201) throw new Error(await response.text());
      const registered = (await response.json()) as { client_id: string; grant_types: string[] };
      expect(registered.grant_types).toEqual([DEVICE_GRANT, 'refresh_token']);
      const client = { clientId: registered.client_id, name: 'CLI', version: '1', redirectUris: [] };
      const authorization = await started(client, { scope: 'read' });
      await answer(authorization.user_code, 'approve');
      const tokens = await poll(client, authorization.device_code);
      expect(tokens).toMatchObject({ status: 200, body: { scope: 'read', refresh_token: expect.any(String) } });
    } finally {
      await settings({ dynamicRegistration: 'off', registrationPolicy: { grantTypes: ['authorization_code', 'refresh_token'] } });
    }
  });
});
