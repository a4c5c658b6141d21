import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import {
  authorizePath,
  authorizeThroughPages,
  codeFrom,
  createTestClient,
  csrfOf,
  pkcePair,
  TestBrowser,
  tokenRequest,
  type TestClient,
} from '../support/authorize-flow.helpers.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(90_000);

const CONSOLE = 'portcullis-console';
const REDIRECT = 'https://app.example.com/callback';
const ORDINARY = { username: 'ordinary-user', password: 'ordinary-password-1' };
const OPERATOR = { username: 'operator-user', password: 'operator-password-1' };
const INVALID_SCOPE = { status: 400, body: { error: 'invalid_scope' } };

/**
 * CONTRACT "Privileged scopes": a scope with a requiredPermission is issued to a user only while
 * the user holds it, at consent, code exchange, refresh and password grant; `admin` and
 * `rs.admin` require access_control. Clients acting for themselves are not users.
 */
describe('privileged scopes (requiredPermission)', () => {
  let server: RunningAuthServer;
  let operatorId: string;
  let consoleRedirect: string;

  async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function privilegedScope(name: string): Promise<void> {
    const created = await admin('POST', '/admin/v1/scopes', { name, description: '', requiredPermission: 'access_control' });
    expect(created.status).toBe(201);
  }

  async function associate(client: TestClient, scope: string): Promise<void> {
    expect((await admin('PUT', `/admin/v1/clients/${client.clientId}/scopes/${scope}`)).status).toBe(204);
  }

  async function setOperatorPermissions(permissions: string[]): Promise<void> {
    expect((await admin('PATCH', `/admin/v1/users/${operatorId}`, { permissions })).status).toBe(200);
  }

  /** Login, then consent when the server shows it: the final redirect to the client. */
  async function finalLocation(path: string, user: { username: string; password: string }): Promise<string> {
    const browser = new TestBrowser(server);
    const loginPage = await browser.get(path);
    expect(loginPage.status).toBe(200);
    const loggedIn = await browser.post('/oauth/authorize/login', { csrf_token: csrfOf(await loginPage.text()), ...user });
    expect(loggedIn.status).toBe(303);
    const next = loggedIn.headers.get('location') ?? '';
    if (next !== '/oauth/authorize/consent') return next;
    const consentPage = await browser.get(next);
    expect(consentPage.status).toBe(200);
    const decided = await browser.post(next, { csrf_token: csrfOf(await consentPage.text()), decision: 'allow' });
    expect(decided.status).toBe(303);
    return decided.headers.get('location') ?? '';
  }

  function claimsOf(token: string): { scope: string } {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { scope: string };
  }

  /** The console's sign-in; with `resource`, for both of its audiences, exchanged for that one. */
  async function consoleToken(user: { username: string; password: string }, resource?: string): Promise<{ scope?: string; access_token?: string; refresh_token?: string }> {
    const { verifier, challenge } = pkcePair();
    const path = authorizePath([
      ['response_type', 'code'],
      ['client_id', CONSOLE],
      ['redirect_uri', consoleRedirect],
      ['state', 'c'],
      ['code_challenge', challenge],
      ['code_challenge_method', 'S256'],
      ...(resource ? [server.config.issuer, server.config.resourceAudience].map((one): [string, string] => ['resource', one]) : []),
    ]);
    const { location } = await authorizeThroughPages(server, path, user);
    const code = codeFrom(location, consoleRedirect, 'c');
    const token = await tokenRequest(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: consoleRedirect, code_verifier: verifier, ...(resource ? { resource } : {}) },
      { clientId: CONSOLE },
    );
    expect(token.status).toBe(200);
    return token.body;
  }

  async function codeFor(client: TestClient, user: { username: string; password: string }, scope?: string): Promise<string> {
    const params: Record<string, string> = { response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, state: 's' };
    if (scope !== undefined) params.scope = scope;
    const { location } = await authorizeThroughPages(server, authorizePath(params), user);
    return codeFrom(location, REDIRECT, 's');
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    consoleRedirect = `${server.config.issuer}/console/callback`;
    expect((await admin('POST', '/admin/v1/users', { ...ORDINARY, permissions: [] })).status).toBe(201);
    const operator = await admin('POST', '/admin/v1/users', { ...OPERATOR, permissions: ['access_control'] });
    expect(operator.status).toBe(201);
    operatorId = operator.body.id as string;
  });
  afterAll(async () => {
    await server.close();
  });

  describe('admin API', () => {
    it('admin and rs.admin require access_control', async () => {
      for (const name of ['admin', 'rs.admin']) {
        expect(await admin('GET', `/admin/v1/scopes/${name}`)).toMatchObject({ status: 200, body: { name, requiredPermission: 'access_control' } });
      }
    });

    it('create, get, list and patch requiredPermission; null by default', async () => {
      expect(await admin('POST', '/admin/v1/scopes', { name: 'plain.scope' })).toMatchObject({
        status: 201,
        body: { name: 'plain.scope', requiredPermission: null },
      });
      expect(await admin('POST', '/admin/v1/scopes', { name: 'priv.scope', description: 'd', requiredPermission: 'access_control' })).toMatchObject({
        status: 201,
        body: { name: 'priv.scope', description: 'd', requiredPermission: 'access_control' },
      });
      expect(await admin('GET', '/admin/v1/scopes/priv.scope')).toMatchObject({ status: 200, body: { requiredPermission: 'access_control' } });
      const list = await admin('GET', '/admin/v1/scopes?limit=100');
      expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'priv.scope', requiredPermission: 'access_control' })]));

      // Only the permission: the description stays.
      expect(await admin('PATCH', '/admin/v1/scopes/priv.scope', { requiredPermission: null })).toMatchObject({
        status: 200,
        body: { description: 'd', requiredPermission: null },
      });
      expect(await admin('PATCH', '/admin/v1/scopes/plain.scope', { requiredPermission: 'access_control' })).toMatchObject({
        status: 200,
        body: { requiredPermission: 'access_control' },
      });
      expect(await admin('PATCH', '/admin/v1/scopes/plain.scope', { description: 'words' })).toMatchObject({
        status: 200,
        body: { description: 'words', requiredPermission: 'access_control' },
      });

      const audit = await server.request('/admin/v1/audit?action=scope.updated&limit=1', { headers: { authorization: server.adminAuthorization } });
      const [event] = ((await audit.json()) as { items: { details: unknown }[] }).items;
      expect(event.details).toMatchObject({
        before: { name: 'plain.scope', requiredPermission: 'access_control' },
        after: { description: 'words', requiredPermission: 'access_control' },
      });
    });

    it.each([
      ['an unknown permission', { name: 'bad.scope', requiredPermission: 'root' }],
      ['a number', { name: 'bad.scope', requiredPermission: 1 }],
      ['an empty string', { name: 'bad.scope', requiredPermission: '' }],
    ])('POST with %s is a 400 naming requiredPermission', async (_, body) => {
      const refused = await admin('POST', '/admin/v1/scopes', body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'requiredPermission' })]));
      expect((await admin('GET', '/admin/v1/scopes/bad.scope')).status).toBe(404);
    });

    it('PATCH with an unknown permission is a 400 and changes nothing', async () => {
      const refused = await admin('PATCH', '/admin/v1/scopes/admin', { requiredPermission: 'everything' });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'requiredPermission' })]));
      expect((await admin('GET', '/admin/v1/scopes/admin')).body.requiredPermission).toBe('access_control');
    });
  });

  describe('the console client', () => {
    it('an ordinary user asking for rs.admin explicitly gets invalid_scope on the redirect', async () => {
      const { challenge } = pkcePair();
      const path = authorizePath({
        response_type: 'code',
        client_id: CONSOLE,
        redirect_uri: consoleRedirect,
        state: 'x',
        scope: 'rs.admin',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const location = new URL(await finalLocation(path, ORDINARY));
      expect(`${location.origin}${location.pathname}`).toBe(consoleRedirect);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      expect(location.searchParams.get('state')).toBe('x');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('an ordinary user asking for no scope gets a token without admin or rs.admin', async () => {
      const token = await consoleToken(ORDINARY, server.config.issuer);
      const scopes = (token.scope ?? '').split(' ');
      expect(scopes).not.toContain('admin');
      expect(scopes).not.toContain('rs.admin');
      expect(claimsOf(token.access_token ?? '').scope.split(' ')).not.toContain('rs.admin');
      // The admin API refuses it.
      const refused = await server.request('/admin/v1/clients', { headers: { authorization: `Bearer ${token.access_token}` } });
      expect([401, 403]).toContain(refused.status);
    });

    it('a user with access_control still gets both, each in the token for its own audience', async () => {
      // Without a resource, the default audience (the resource server) gets only the scopes it owns.
      expect((await consoleToken(TEST_ADMIN)).scope).toBe('rs.admin');
      const forAdminApi = await consoleToken(TEST_ADMIN, server.config.issuer);
      expect(forAdminApi.scope).toBe('admin');
      const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: forAdminApi.refresh_token ?? '', resource: server.config.resourceAudience }, { clientId: CONSOLE });
      expect([refreshed.status, refreshed.body.scope]).toEqual([200, 'rs.admin']);
    });
  });

  describe('code exchange', () => {
    it('permission withdrawn between authorize and the exchange: invalid_scope', async () => {
      await privilegedScope('ops.write');
      const client = await createTestClient(server, { scopes: ['read'] });
      await associate(client, 'ops.write');
      const code = await codeFor(client, OPERATOR, 'read ops.write');
      await setOperatorPermissions([]);
      try {
        expect(await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, client)).toMatchObject(INVALID_SCOPE);
      } finally {
        await setOperatorPermissions(['access_control']);
      }
    });

    it('a scope disassociated from the client after authorize is not issued', async () => {
      const client = await createTestClient(server, { scopes: ['read', 'write'] });
      const code = await codeFor(client, ORDINARY, 'read write');
      expect((await admin('DELETE', `/admin/v1/clients/${client.clientId}/scopes/write`)).status).toBe(204);
      const token = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, client);
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('read');
      expect(claimsOf(token.body.access_token ?? '').scope).toBe('read');
    });
  });

  describe('refresh', () => {
    it('permission withdrawn before a refresh: the new token silently lacks the scope', async () => {
      await privilegedScope('ops.refresh');
      const client = await createTestClient(server, { scopes: ['read'], refreshCount: { mode: 'unlimited' } });
      await associate(client, 'ops.refresh');
      const code = await codeFor(client, OPERATOR);
      const first = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, client);
      expect(first.status).toBe(200);
      expect(first.body.scope?.split(' ').sort()).toEqual(['ops.refresh', 'read']);
      await setOperatorPermissions([]);
      try {
        const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token ?? '' }, client);
        expect(refreshed.status).toBe(200);
        expect(refreshed.body.scope).toBe('read');
        expect(claimsOf(refreshed.body.access_token ?? '').scope).toBe('read');
        // Asked for explicitly: dropped all the same.
        const again = await tokenRequest(
          server,
          { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token ?? '', scope: 'read ops.refresh' },
          client,
        );
        expect(again.status).toBe(200);
        expect(again.body.scope).toBe('read');
      } finally {
        await setOperatorPermissions(['access_control']);
      }
    });
  });

  describe('password grant', () => {
    let client: TestClient;

    beforeAll(async () => {
      await privilegedScope('ops.password');
      client = await createTestClient(server, { grants: ['password'], redirectUris: [], scopes: ['read'] });
      await associate(client, 'ops.password');
    });

    it('an ordinary user asking for a privileged scope: invalid_scope', async () => {
      expect(await tokenRequest(server, { grant_type: 'password', ...ORDINARY, scope: 'read ops.password' }, client)).toMatchObject(INVALID_SCOPE);
    });

    it('an ordinary user asking for no scope: the privileged one is left out', async () => {
      const token = await tokenRequest(server, { grant_type: 'password', ...ORDINARY }, client);
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('read');
    });

    it('a user with the permission gets it', async () => {
      const token = await tokenRequest(server, { grant_type: 'password', ...OPERATOR, scope: 'ops.password' }, client);
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('ops.password');
    });
  });

  it('client_credentials: a privileged scope associated with the client is granted to it', async () => {
    await privilegedScope('ops.machine');
    const client = await createTestClient(server, { grants: ['client_credentials'], redirectUris: [] });
    await associate(client, 'ops.machine');
    const token = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'ops.machine' }, client);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('ops.machine');
  });
});
