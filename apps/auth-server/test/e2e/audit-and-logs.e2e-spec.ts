import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturedLogLines } from '#testing';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, csrfOf, pkcePair, TestBrowser, tokenRequest } from '../support/authorize-flow.helpers.js';
import { basic, postForm, sql } from '../support/token-fixtures.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';

type AuditItem = AuditEvent;

const REDIRECT_URI = 'https://app.example.com/callback';
const USER = { username: 'alice', password: 'alice-password-9f8e7d' };
const WRONG_PASSWORD = 'wrong-password-1a2b3c';

describe('audit trail and structured logs over a full flow', () => {
  // Every JSON line the app wrote (LOG_LEVEL verbose: the most there is).
  const logs = new CapturedLogLines();
  let server: RunningAuthServer;
  /** Every secret value the flow handled: none may appear in a log line or an audit row. */
  const secrets: string[] = [TEST_ADMIN.password, USER.password, WRONG_PASSWORD, basic(TEST_ADMIN.username, TEST_ADMIN.password).slice(6)];
  let clientId = '';
  let credentials = { clientId: '', clientSecret: '' };
  let requestIdSeen: string | null = null;

  beforeAll(async () => {
    server = await startTestAuthServer({ logDestination: logs }, { LOG_LEVEL: 'verbose' });
    const admin = { authorization: server.adminAuthorization };
    expect((await server.request('/admin/v1/scopes', { method: 'POST', headers: admin, json: { name: 'read', description: '' } })).status).toBe(201);
    const created = await server.request('/admin/v1/clients', {
      method: 'POST',
      headers: { ...admin, 'x-request-id': 'flow-create-client-1' },
      json: {
        name: 'Audited App',
        version: '1.0',
        type: 'confidential',
        redirectUris: [REDIRECT_URI],
        grants: ['authorization_code', 'password', 'client_credentials'],
        refreshCount: { mode: 'unlimited' },
      },
    });
    expect(created.status).toBe(201);
    requestIdSeen = created.headers.get('x-request-id');
    const client = (await created.json()) as { clientId: string; clientSecret: string };
    clientId = client.clientId;
    secrets.push(client.clientSecret);
    expect((await server.request(`/admin/v1/clients/${clientId}/scopes/read`, { method: 'PUT', headers: admin })).status).toBe(204);
    expect((await server.request('/admin/v1/users', { method: 'POST', headers: admin, json: { ...USER, permissions: [] } })).status).toBe(201);
    credentials = { clientId, clientSecret: client.clientSecret };

    // client credentials, then introspection of that token
    const cc = await tokenRequest(server, { grant_type: 'client_credentials' }, credentials);
    expect(cc.status).toBe(200);
    secrets.push(cc.body.access_token!);
    const introspected = await postForm(server, '/oauth/introspect', { token: cc.body.access_token! }, { authorization: basic(clientId, client.clientSecret) });
    expect(((await introspected.json()) as { active: boolean }).active).toBe(true);

    // password grant: one refused, one accepted
    expect((await tokenRequest(server, { grant_type: 'password', username: USER.username, password: WRONG_PASSWORD }, credentials)).status).toBe(400);
    const pw = await tokenRequest(server, { grant_type: 'password', ...USER }, credentials);
    expect(pw.status).toBe(200);
    secrets.push(pw.body.access_token!);

    // a failed login at the login page, then the code flow with PKCE and a refresh
    const browser = new TestBrowser(server);
    const { verifier, challenge } = pkcePair();
    const path = authorizePath({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'read',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.get(path);
    const failed = await browser.post('/oauth/authorize/login', { csrf_token: csrfOf(await page.text()), username: USER.username, password: WRONG_PASSWORD });
    expect(failed.status).toBe(401);
    const flow = await authorizeThroughPages(server, path, USER);
    const code = codeFrom(flow.location, REDIRECT_URI, 's1');
    const exchanged = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, credentials);
    expect(exchanged.status).toBe(200);
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token! }, credentials);
    expect(refreshed.status).toBe(200);
    // replaying the rotated-out refresh token: reuse detected, grant revoked
    expect((await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token! }, credentials)).status).toBe(400);
    secrets.push(code, verifier, exchanged.body.access_token!, exchanged.body.refresh_token!, refreshed.body.access_token!, refreshed.body.refresh_token!);
    secrets.push(...[...flow.browser.cookies.values()]);
  });
  afterAll(async () => {
    await server.close();
  });

  async function audit(query = ''): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    const response = await server.request(`/admin/v1/audit${query}`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(200);
    return (await response.json()) as { items: AuditItem[]; nextCursor: string | null };
  }

  describe('logs', () => {
    it('are JSON lines with a request id, and hold no secret, token, code or password', () => {
      expect(logs.lines.length).toBeGreaterThan(20);
      expect(logs.entries.filter((entry) => 'unparsed' in entry)).toEqual([]);
      const parsed = logs.entries;
      expect(parsed.filter((line) => line.msg === 'request completed').every((line) => typeof line.reqId === 'string')).toBe(true);
      const leaks = logs.lines.filter((line) => secrets.some((secret) => secret.length >= 8 && line.includes(secret)));
      expect(leaks).toEqual([]);
      expect(logs.lines.some((line) => /"authorization"|"cookie"/i.test(line))).toBe(false);
    });

    it('accepts a well-formed x-request-id, echoes it and logs it', () => {
      expect(requestIdSeen).toBe('flow-create-client-1');
      expect(logs.lines.some((line) => line.includes('"reqId":"flow-create-client-1"'))).toBe(true);
    });

    it('replaces a malformed x-request-id with a generated one', async () => {
      const response = await server.request('/health', { headers: { 'x-request-id': 'bad id with spaces' } });
      const echoed = response.headers.get('x-request-id');
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('audit', () => {
    it('records admin changes with the redacted request and response, attributed to the admin', async () => {
      const { items } = await audit(`?action=client.created`);
      expect(items).toHaveLength(1);
      const [event] = items;
      expect(event).toMatchObject({
        actor: TEST_ADMIN.username,
        actorType: 'user',
        targetType: 'client',
        targetId: clientId,
        requestId: 'flow-create-client-1',
      });
      expect(event.details).toMatchObject({ method: 'POST', status: 201, change: { name: 'Audited App' }, after: { clientId, clientSecret: '[redacted]' } });
      const userCreated = (await audit('?action=user.created')).items[0];
      expect(userCreated.details).toMatchObject({ change: { username: USER.username, password: '[redacted]' } });
      expect((await audit('?action=client.scope.associated')).items[0]).toMatchObject({ targetId: clientId });
    });

    it('records logins, failed logins, token issue, refresh, reuse and revocation', async () => {
      const failed = (await audit('?action=login.failed')).items;
      expect(failed.map((event) => event.details.via).sort()).toEqual(['authorize', 'password_grant']);
      expect(failed.every((event) => event.actorType === 'anonymous' && event.targetId === USER.username && event.ip)).toBe(true);
      expect((await audit('?action=login.succeeded')).items).toHaveLength(2);
      const issued = (await audit('?action=token.issued')).items;
      expect(issued).toHaveLength(3);
      expect(issued.map((event) => event.actorType).sort()).toEqual(['client', 'user', 'user']);
      expect((await audit('?action=token.refreshed')).items).toHaveLength(1);
      expect((await audit('?action=token.reuse_detected')).items).toHaveLength(1);
      expect((await audit('?action=token.revoked')).items).toHaveLength(1);
      expect((await audit(`?actor=${USER.username}`)).items.length).toBeGreaterThanOrEqual(4);
    });

    it('keeps a token.issued event as it was when the grant is later refreshed and revoked', async () => {
      const issued = (await audit('?action=token.issued')).items;
      const code = issued.find((event) => event.details.grantType === 'authorization_code');
      expect(code).toMatchObject({
        actor: USER.username,
        actorType: 'user',
        targetType: 'grant',
        details: { clientId, scopes: ['read'], withRefreshToken: true },
      });
      // The refresh rotated its token and the replay revoked the grant, clearing its refresh hash.
      const [grant] = await sql<{ revoked: boolean; hash: string | null }>(
        server,
        'SELECT revoked_at IS NOT NULL AS revoked, refresh_token_hash AS hash FROM grants WHERE id = $1',
        [code!.targetId],
      );
      expect(grant).toEqual({ revoked: true, hash: null });
      expect(issued.find((event) => event.details.grantType === 'client_credentials')).toMatchObject({
        actor: clientId,
        actorType: 'client',
        details: { withRefreshToken: false },
      });
    });

    it('pages newest first with limit and cursor, and filters by target and time', async () => {
      const all = (await audit('?limit=200')).items;
      const first = await audit('?limit=3');
      const second = await audit(`?limit=3&cursor=${first.nextCursor}`);
      expect([...first.items, ...second.items].map((event) => event.id)).toEqual(all.slice(0, 6).map((event) => event.id));
      const times = all.map((event) => event.occurredAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect((await audit(`?targetId=${clientId}`)).items.every((event) => event.targetId === clientId)).toBe(true);
      expect((await audit(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).items).toEqual([]);
      expect((await audit(`?until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=200`)).items).toHaveLength(all.length);
      const bad = await server.request('/admin/v1/audit?since=yesterday', { headers: { authorization: server.adminAuthorization } });
      expect(bad.status).toBe(400);
    });

    it('stores no secret, token, code or password', async () => {
      const rows = await sql<{ row: string }>(server, 'SELECT row_to_json(audit_events)::text AS row FROM audit_events');
      expect(rows.filter(({ row }) => secrets.some((secret) => secret.length >= 8 && row.includes(secret)))).toEqual([]);
    });

    it('needs admin credentials', async () => {
      expect((await server.request('/admin/v1/audit')).status).toBe(401);
    });

    it('keeps the row of an input PostgreSQL cannot store (NUL, lone surrogate), and its neighbours', async () => {
      const admin = { authorization: server.adminAuthorization };
      const hostile = await server.request('/admin/v1/scopes', { method: 'POST', headers: admin, json: { name: 'evil', description: 'nul\u0000 and \uD800' } });
      expect(hostile.status).toBe(400);
      expect((await server.request('/admin/v1/scopes', { method: 'POST', headers: admin, json: { name: 'neighbour', description: '' } })).status).toBe(201);
      const changes = (await audit('?action=scope.created')).items.map((event) => (event.details.change as { description: string }).description);
      expect(changes).toEqual(expect.arrayContaining(['nul\uFFFD and \uFFFD', '']));
    });
  });
});
