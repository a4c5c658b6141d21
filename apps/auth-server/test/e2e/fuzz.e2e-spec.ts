import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { DbFingerprint, fuzz, fuzzRoutes, fuzzRuns, sendRaw, type FuzzRoute, type FuzzTarget } from '#testing/fuzz';
import type { OpenApiDocument } from '#testing/openapi-coverage';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { AuthFailureThrottle } from '../../src/rate-limit/auth-failure-throttle.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { hashPassword } from '../../src/users/password-hasher.js';
import { accessTokenFor, basic, createClient, sql, type TestClient } from '../support/token-fixtures.js';

// `npm test` runs a bounded share; `npm run fuzz` raises FUZZ_RUNS (docs/fuzzing.md).
const RUNS = fuzzRuns(400);
jest.setTimeout(60_000 + RUNS * 400);

/**
 * Tables a refused request must leave alone. audit_events and auth_failures are left out on
 * purpose: recording refusals and failed logins is their job.
 */
const WATCHED = [
  { name: 'clients' },
  { name: 'scopes' },
  { name: 'client_scopes' },
  { name: 'users' },
  { name: 'settings' },
  { name: 'grants' },
  { name: 'used_refresh_tokens' },
  { name: 'authorization_codes' },
  { name: 'authorization_requests' },
  { name: 'signing_keys' },
  // The relay stamps published_at on its own schedule.
  { name: 'outbox_events', ignore: ['published_at'] },
];

const PROTECTED_SCOPES = ['read', 'write', 'admin', 'openid', 'profile'];

interface Pools {
  clients: string[];
  users: string[];
  scopes: string[];
  grants: string[];
}

describe('auth server under fuzzing: every route, random and malformed input', () => {
  let server: RunningAuthServer;
  let fingerprint: DbFingerprint;
  let client: TestClient;
  let adminBearer: string;
  let adminGrant: string;
  let userinfoBearer: string;
  let tokens: string[] = [];
  let csrfToken = '';
  let victimHash = '';
  const pools: Pools = { clients: [], users: [], scopes: [], grants: [] };

  beforeAll(async () => {
    server = await startTestAuthServer();
    // Wrong passwords for admin are part of the input: without this the lockout would end the run's
    // authenticated share after ten of them (the lockout itself is covered by rate-limit.e2e-spec).
    server.app.get(AuthFailureThrottle).usePolicy({ maxFailures: 1_000_000, windowSeconds: 300, lockoutSeconds: 1 });
    client = await createClient(server, { grants: ['client_credentials', 'authorization_code'], scopes: PROTECTED_SCOPES });
    const found = await server.app.get(ClientAuthenticator).find(client.clientId);
    const admin = await server.app.get(UsersService).findByUsername('admin');
    const issued = await server.app
      .get(TokenIssuance)
      .issue({
        client: found!,
        user: { id: admin!.id, username: 'admin' },
        grantType: 'authorization_code',
        scopes: ['admin'],
        withRefreshToken: false,
        // The admin API accepts only tokens for AUTH_ISSUER (RFC 8707).
        target: { audience: server.config.issuer, scopes: ['admin'], lifetimeSeconds: null, resources: [server.config.issuer] },
      });
    adminBearer = issued.response.access_token;
    adminGrant = issued.grantId;
    // A token userinfo answers, so that its success path is part of the run too.
    const openid = await server.app
      .get(TokenIssuance)
      .issue({
        client: found!,
        user: { id: admin!.id, username: 'admin' },
        grantType: 'authorization_code',
        scopes: ['openid', 'profile'],
        withRefreshToken: false,
      });
    userinfoBearer = openid.response.access_token;
    for (let i = 0; i < 3; i++) tokens.push(await accessTokenFor(server, client, { scope: 'read' }));
    victimHash = await hashPassword('victim-password-1');
    fingerprint = await DbFingerprint.open(server.database.url, WATCHED);
  });
  afterAll(async () => {
    await fingerprint?.close();
    await server?.close();
  });

  /** Real ids for path parameters, minus the ones the run's credentials depend on; topped up when deleted. */
  async function refreshPools(): Promise<void> {
    const rows = await sql<{ kind: keyof Pools; value: string }>(
      server,
      `SELECT 'clients' AS kind, client_id AS value FROM (SELECT client_id FROM clients WHERE client_id <> $1 ORDER BY created_at, client_id LIMIT 20) c
       UNION ALL SELECT 'users', id::text FROM (SELECT id FROM users WHERE username <> 'admin' ORDER BY created_at, id LIMIT 20) u
       UNION ALL SELECT 'scopes', name FROM (SELECT name FROM scopes WHERE name <> ALL($2) ORDER BY created_at, name LIMIT 20) s
       UNION ALL SELECT 'grants', id::text FROM (SELECT id FROM grants WHERE id <> $3 ORDER BY created_at, id LIMIT 20) g`,
      [client.clientId, PROTECTED_SCOPES, adminGrant],
    );
    for (const kind of Object.keys(pools) as (keyof Pools)[]) pools[kind] = rows.filter((r) => r.kind === kind).map((r) => r.value);
    if (pools.clients.length < 2) await createClient(server, { scopes: ['victim.scope'] });
    if (pools.scopes.length < 2) await sql(server, `INSERT INTO scopes (name, description) VALUES ('victim.' || md5(random()::text), 'victim')`);
    if (pools.users.length < 1)
      await sql(server, `INSERT INTO users (username, password_hash, permissions) VALUES ('victim-' || md5(random()::text), $1, '[]')`, [victimHash]);
    if (pools.grants.length < 2) tokens = [...tokens.slice(-4), await accessTokenFor(server, client, { scope: 'read' })];
  }

  function pool(route: FuzzRoute, param: string): string[] {
    if (param === 'clientId') return pools.clients;
    if (param === 'name' && route.url.includes('/scopes')) return pools.scopes;
    if (param === 'name' && route.url.startsWith('/console')) return ['app.js', 'index.html', 'preact.js', 'htm.js'];
    if (param === 'id' && route.url.includes('/users')) return pools.users;
    if (param === 'id' && route.url.includes('/tokens')) return pools.grants;
    return [];
  }

  /** A pending authorization request (cookie and CSRF token), so login and consent get past their first check. */
  async function authorizeSession(): Promise<[string, string][]> {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: 'https://app.example/cb',
      scope: 'read',
      state: 'fuzz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const response = await server.request(`/oauth/authorize?${query}`);
    const html = await response.text();
    csrfToken = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    return cookie ? [['cookie', cookie]] : [];
  }

  /** The same, signed in as admin (one scrypt run), so that the consent page and decision get past the login. */
  async function signedInSession(): Promise<[string, string][]> {
    const [cookie] = await authorizeSession();
    const response = await server.request('/oauth/authorize/login', {
      method: 'POST',
      headers: { cookie: cookie[1], 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrfToken, username: TEST_ADMIN.username, password: TEST_ADMIN.password }).toString(),
    });
    const signedIn = (response.headers.get('set-cookie') ?? '').split(';')[0];
    if (response.status !== 303 || !signedIn) throw new Error(`sign-in for the fuzz session answered ${response.status}`);
    return [['cookie', signedIn]];
  }

  function target(routes: FuzzRoute[], document: OpenApiDocument): FuzzTarget {
    return {
      port: () => Number(new URL(server.baseUrl).port),
      routes,
      document,
      fingerprint,
      // RP-initiated logout and the device verification pages answer the browser with pages, as the authorization endpoint does.
      htmlErrorPaths: /^\/(oauth\/authorize|oauth\/logout|console|device)(\/|$)/,
      prepare: refreshPools,
      context: {
        port: 0,
        pool,
        fieldPool: (field) => {
          const fields: Record<string, string[]> = {
            token: [...tokens, adminGrant],
            client_id: [client.clientId, ...pools.clients],
            client_secret: [client.secret],
            csrf_token: [csrfToken],
            username: ['admin'],
            access_token: [userinfoBearer],
          };
          return Object.hasOwn(fields, field) ? fields[field] : [];
        },
        credentials: {
          // Basic costs a scrypt run per request: the bearer carries most of the authenticated share.
          adminBasic: { weight: 2, headers: () => [['authorization', server.adminAuthorization]] },
          adminBearer: { weight: 5, headers: () => [['authorization', `Bearer ${adminBearer}`]] },
          clientBasic: {
            weight: 4,
            prefixes: ['/oauth/', '/internal/'],
            headers: () => [['authorization', basic(client.clientId, client.secret)]],
            form: { client_id: client.clientId, client_secret: client.secret },
          },
          userinfoBearer: { weight: 2, prefixes: ['/oauth/userinfo'], headers: () => [['authorization', `Bearer ${userinfoBearer}`]] },
          clientPost: { weight: 2, prefixes: ['/oauth/'], headers: () => [], form: { client_id: client.clientId, client_secret: client.secret } },
          authorizeSession: { weight: 5, prefixes: ['/oauth/authorize'], headers: authorizeSession, form: () => ({ csrf_token: csrfToken }) },
          signedInSession: { weight: 4, prefixes: ['/oauth/authorize/consent'], headers: signedInSession, form: () => ({ csrf_token: csrfToken }) },
        },
      },
    };
  }

  it('notices a write in any watched table (the check below could not fail otherwise)', async () => {
    const before = await fingerprint.take();
    expect(Object.keys(before).sort()).toEqual(WATCHED.map((t) => t.name).sort());
    await sql(server, `INSERT INTO scopes (name, description) VALUES ('fingerprint.check', '')`);
    // The relay's own bookkeeping is not a write by the request.
    await sql(server, `UPDATE outbox_events SET published_at = now() WHERE seq = (SELECT max(seq) FROM outbox_events)`);
    const after = await fingerprint.take();
    expect(Object.keys(before).filter((table) => before[table] !== after[table])).toEqual(['scopes']);
  });

  it('refuses a body nested thousands of levels deep with a 400 problem (found by fuzzing: it was a 500)', async () => {
    await refreshPools();
    const response = await server.request(`/admin/v1/users/${pools.users[0]}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminBearer}`, 'content-type': 'application/json' },
      body: '['.repeat(5000) + ']'.repeat(5000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, errors: [{ field: 'body', message: 'the input is nested more than 32 levels deep' }] });
  });

  it("answers what Node's HTTP parser refuses with a problem or an OAuth error (found by fuzzing: Fastify's own body)", async () => {
    const port = Number(new URL(server.baseUrl).port);
    const nul = await sendRaw(port, { method: 'GET', target: '/admin/v1/clients', headers: [['x-a', 'a\u0000b']] });
    expect([nul.status, nul.headers['content-type'], JSON.parse(nul.body.toString())]).toEqual([
      400,
      'application/problem+json; charset=utf-8',
      {
        type: 'https://portcullis.dev/problems/validation',
        title: 'Invalid request',
        status: 400,
        detail: 'request: the request is not valid HTTP',
        errors: [{ field: 'request', message: 'the request is not valid HTTP' }],
      },
    ]);
    const oauth = await sendRaw(port, { method: 'POST', target: '/oauth/token?a=é', headers: [] });
    expect([oauth.status, JSON.parse(oauth.body.toString())]).toEqual([400, { error: 'invalid_request', error_description: 'the request is not valid HTTP' }]);
    const huge = await sendRaw(port, { method: 'GET', target: '/health/live', headers: [['x-a', 'x'.repeat(20_000)]] });
    expect([huge.status, JSON.parse(huge.body.toString())]).toEqual([431, expect.objectContaining({ status: 431, detail: 'the request head is too large' })]);
  });

  it('answers every generated request with a 4xx or better, no internals, and no write when it refuses', async () => {
    const document = (await (await server.request('/docs/openapi.json')).json()) as OpenApiDocument;
    const routes = fuzzRoutes(server.app, document);
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['POST /oauth/token', 'PATCH /admin/v1/clients/:clientId', 'POST /oauth/authorize/login']),
    );
    const stats = await fuzz(target(routes, document), RUNS);
    console.log(
      `auth-server fuzz: ${stats.runs} requests over ${routes.length} routes in ${stats.milliseconds} ms; statuses ${JSON.stringify(stats.statuses)}, parser refusals ${stats.parserRefusals}`,
    );
    expect(stats.runs).toBeGreaterThanOrEqual(RUNS);
    // A run where nothing got past authentication would prove little.
    const passed = Object.entries(stats.statuses).filter(([status]) => Number(status) < 400 || ![401, 403].includes(Number(status)));
    expect(passed.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(stats.runs / 3);
  });
});
