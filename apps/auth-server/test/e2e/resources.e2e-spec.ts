import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { eventually } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, errorRedirect, tokenRequest, type TestClient } from '../support/authorize-flow.helpers.js';
import { call, sql } from '../support/clients-fixtures.js';
import { basic, createUser, postForm } from '../support/token-fixtures.js';

// Booting the app and driving the authorize pages takes a while on a loaded CI machine.
jest.setTimeout(90_000);

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const API_A = 'https://a.example.com/api';
const API_B = 'https://b.example.com';
const UNGRANTED = 'https://c.example.com';
const REDIRECT = 'https://app.example.com/callback';
const USER = { username: 'resource-user', password: 'resource-user-password-1' };
const INVALID_TARGET = { error: 'invalid_target', error_description: expect.any(String) };

/**
 * RFC 8707 resources (CONTRACT "Privileged scopes and token audiences"): the admin API, the
 * `resource` parameter at /oauth/authorize and at the token endpoint for every grant, one audience
 * per token with the scopes that audience owns, and invalid_target for every bad resource, with
 * nothing stored.
 */
describe('resources (RFC 8707)', () => {
  let server: RunningAuthServer;
  let resourceA: { id: string };

  beforeAll(async () => {
    server = await startTestAuthServer();
    for (const name of ['a.read', 'b.read', 'shared.x']) expect((await call(server, 'POST', '/admin/v1/scopes', { name })).status).toBe(201);
    const a = await call(server, 'POST', '/admin/v1/resources', { identifier: API_A, name: 'API A', scopes: ['a.read'], accessTokenLifetimeSeconds: 120 });
    expect(a.status).toBe(201);
    resourceA = a.body;
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: API_B, name: 'API B', scopes: ['b.read'] })).status).toBe(201);
    expect((await call(server, 'POST', '/admin/v1/resources', { identifier: UNGRANTED, name: 'API C' })).status).toBe(201);
    await createUser(server, USER.username, USER.password);
  });
  afterAll(async () => {
    await server.close();
  });

  const grantsCount = async () => Number((await sql<{ n: string }>(server, 'SELECT count(*)::text AS n FROM grants'))[0].n);

  describe('admin API', () => {
    it('registers RESOURCE_AUDIENCE (owning rs.admin) and AUTH_ISSUER (owning admin) at the first start', async () => {
      const { status, body } = await call(server, 'GET', '/admin/v1/resources');
      expect(status).toBe(200);
      const byIdentifier = new Map((body.items as { identifier: string; scopes: string[] }[]).map((item) => [item.identifier, item]));
      expect(byIdentifier.get(server.config.resourceAudience)?.scopes).toEqual(['rs.admin']);
      expect(byIdentifier.get(server.config.issuer)?.scopes).toEqual(['admin']);
    });

    it('creates, reads, changes and deletes a resource, each change audited', async () => {
      const created = await call(server, 'POST', '/admin/v1/resources', { identifier: 'https://crud.example.com/v1', name: 'CRUD', scopes: ['shared.x'] });
      expect([created.status, created.body]).toEqual([
        201,
        { id: expect.any(String), identifier: 'https://crud.example.com/v1', name: 'CRUD', scopes: ['shared.x'], accessTokenLifetimeSeconds: null, clientId: null, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) },
      ]);
      const id = created.body.id as string;
      expect((await call(server, 'GET', `/admin/v1/resources/${id}`)).body).toEqual(created.body);
      const changed = await call(server, 'PATCH', `/admin/v1/resources/${id}`, { name: 'CRUD 2', accessTokenLifetimeSeconds: 60, scopes: [] });
      expect([changed.status, changed.body.name, changed.body.accessTokenLifetimeSeconds, changed.body.scopes]).toEqual([200, 'CRUD 2', 60, []]);
      expect((await call(server, 'DELETE', `/admin/v1/resources/${id}`)).status).toBe(204);
      expect((await call(server, 'GET', `/admin/v1/resources/${id}`)).status).toBe(404);
      // The audit trail is written in the background: wait for the three rows.
      const audited = async () =>
        (await sql<{ action: string }>(server, "SELECT action FROM audit_events WHERE action LIKE 'resource.%' AND target_id = $1 ORDER BY id", [id])).map((row) => row.action);
      await eventually(async () => (await audited()).length >= 3, 5000, 'the three audit rows');
      expect(await audited()).toEqual(['resource.created', 'resource.updated', 'resource.deleted']);
    });

    it('names the representing client by its id', async () => {
      const client = await createTestClient(server, { grants: ['client_credentials'], redirectUris: [] });
      const created = await call(server, 'POST', '/admin/v1/resources', { identifier: 'https://with-client.example.com', name: 'With client', clientId: client.clientId });
      expect([created.status, created.body.clientId]).toEqual([201, client.clientId]);
    });

    it.each([
      ['a relative identifier', { identifier: '/api', name: 'x' }, 'identifier'],
      ['an identifier with a fragment', { identifier: 'https://x.example.com/#f', name: 'x' }, 'identifier'],
      ['no name', { identifier: 'https://x.example.com' }, 'name'],
      ['an unknown scope', { identifier: 'https://x.example.com', name: 'x', scopes: ['no-such-scope'] }, 'scopes'],
      ['an unknown client', { identifier: 'https://x.example.com', name: 'x', clientId: 'no-such-client' }, 'clientId'],
      ['a lifetime of 0', { identifier: 'https://x.example.com', name: 'x', accessTokenLifetimeSeconds: 0 }, 'accessTokenLifetimeSeconds'],
    ])('refuses %s (400, the field named, nothing stored)', async (_, body, field) => {
      const before = await sql(server, 'SELECT id FROM resources');
      const { status, body: problem } = await call(server, 'POST', '/admin/v1/resources', body);
      expect(status).toBe(400);
      expect((problem.errors as { field: string }[]).map((error) => error.field)).toContain(field);
      expect(await sql(server, 'SELECT id FROM resources')).toEqual(before);
    });

    it('refuses a taken identifier (409), on create and on change', async () => {
      expect((await call(server, 'POST', '/admin/v1/resources', { identifier: API_A, name: 'again' })).status).toBe(409);
      const other = await call(server, 'POST', '/admin/v1/resources', { identifier: 'https://other.example.com', name: 'other' });
      expect((await call(server, 'PATCH', `/admin/v1/resources/${other.body.id}`, { identifier: API_A })).status).toBe(409);
    });

    it('answers 404 for an unknown or malformed id, and 400 for an empty change', async () => {
      expect((await call(server, 'GET', '/admin/v1/resources/00000000-0000-0000-0000-000000000000')).status).toBe(404);
      expect((await call(server, 'GET', '/admin/v1/resources/not-a-uuid')).status).toBe(404);
      expect((await call(server, 'PATCH', `/admin/v1/resources/${resourceA.id}`, {})).status).toBe(400);
    });

    it('keeps a client\'s allowedResources (null: every resource) and refuses a malformed one', async () => {
      const created = await call(server, 'POST', '/admin/v1/clients', { name: 'Allowed', version: '1', type: 'confidential', grants: ['client_credentials'], allowedResources: [API_B] });
      expect([created.status, created.body.allowedResources]).toEqual([201, [API_B]]);
      const cleared = await call(server, 'PATCH', `/admin/v1/clients/${created.body.clientId}`, { allowedResources: null });
      expect(cleared.body.allowedResources).toBeNull();
      const bad = await call(server, 'POST', '/admin/v1/clients', { name: 'Allowed bad', version: '1', type: 'confidential', grants: ['client_credentials'], allowedResources: ['relative/path'] });
      expect(bad.status).toBe(400);
    });
  });

  describe('client_credentials', () => {
    let client: TestClient & { clientSecret: string };
    const token = (extra: Record<string, string | string[]> = {}, who = client) =>
      postForm(server, '/oauth/token', { grant_type: 'client_credentials', ...extra }, { authorization: basic(who.clientId, who.clientSecret) });

    beforeAll(async () => {
      client = (await createTestClient(server, { grants: ['client_credentials'], redirectUris: [], scopes: ['a.read', 'b.read', 'shared.x'] })) as TestClient & { clientSecret: string };
    });

    it('issues a token for the resource asked: its audience, its scopes and unowned ones, its lifetime', async () => {
      const response = await token({ resource: API_A });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { access_token: string; scope: string; expires_in: number };
      expect([body.scope, body.expires_in]).toEqual(['a.read shared.x', 120]);
      expect(decodeJwt(body.access_token)).toMatchObject({ aud: API_A, scope: 'a.read shared.x' });
    });

    it('without a resource: the accessTokenAudience setting, with only the scopes it may receive', async () => {
      const body = (await (await token()).json()) as { access_token: string; scope: string; expires_in: number };
      expect([body.scope, body.expires_in]).toEqual(['shared.x', 3600]);
      expect(decodeJwt(body.access_token).aud).toBe(server.config.resourceAudience);
    });

    it("the client's own lifetime wins over the resource's", async () => {
      const own = (await createTestClient(server, { grants: ['client_credentials'], redirectUris: [], scopes: ['a.read'] })) as TestClient & { clientSecret: string };
      expect((await call(server, 'PATCH', `/admin/v1/clients/${own.clientId}`, { accessTokenLifetime: { mode: 'seconds', seconds: 30 } })).status).toBe(200);
      expect(((await (await token({ resource: API_A }, own)).json()) as { expires_in: number }).expires_in).toBe(30);
    });

    it.each([
      ['a fragment', `${API_A}#x`],
      ['a relative URI', '/api'],
      ['an unknown resource', 'https://unknown.example.com'],
      ['a repeated resource', [API_A, API_B]],
    ])('refuses %s with invalid_target (400 JSON), storing nothing', async (_, resource) => {
      const before = await grantsCount();
      const response = await token({ resource });
      expect([response.status, await response.json()]).toEqual([400, INVALID_TARGET]);
      expect(await grantsCount()).toBe(before);
    });

    it('refuses a resource outside the client\'s allowedResources, and the default audience too then', async () => {
      expect((await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { allowedResources: [API_B] })).status).toBe(200);
      try {
        expect([(await token({ resource: API_A })).status, ((await (await token({ resource: API_A })).json()) as { error: string }).error]).toEqual([400, 'invalid_target']);
        expect(((await (await token()).json()) as { error: string }).error).toBe('invalid_target');
        expect(decodeJwt(((await (await token({ resource: API_B })).json()) as { access_token: string }).access_token).aud).toBe(API_B);
      } finally {
        await call(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { allowedResources: null });
      }
    });

    it('sees a resource change at once (the catalogue reloads)', async () => {
      expect((await call(server, 'PATCH', `/admin/v1/resources/${resourceA.id}`, { scopes: ['a.read', 'shared.x'] })).status).toBe(200);
      try {
        expect(((await (await token({ resource: API_B })).json()) as { scope: string }).scope).toBe('b.read');
      } finally {
        await call(server, 'PATCH', `/admin/v1/resources/${resourceA.id}`, { scopes: ['a.read'] });
      }
    });
  });

  describe('password grant', () => {
    it('takes a resource, and refuses an unknown one before checking the password', async () => {
      const client = (await createTestClient(server, { grants: ['password'], redirectUris: [], scopes: ['a.read', 'b.read'] })) as TestClient & { clientSecret: string };
      const form = (resource: string) => postForm(server, '/oauth/token', { grant_type: 'password', ...USER, resource }, { authorization: basic(client.clientId, client.clientSecret) });
      const ok = (await (await form(API_B)).json()) as { access_token: string; scope: string };
      expect([decodeJwt(ok.access_token).aud, ok.scope]).toEqual([API_B, 'b.read']);
      const refused = await form('https://unknown.example.com');
      expect([refused.status, await refused.json()]).toEqual([400, INVALID_TARGET]);
    });
  });

  describe('authorization code and refresh', () => {
    let client: TestClient & { clientSecret: string };

    beforeAll(async () => {
      client = (await createTestClient(server, { redirectUris: [REDIRECT], scopes: ['a.read', 'b.read', 'shared.x'], refreshCount: { mode: 'unlimited' } })) as TestClient & { clientSecret: string };
    });

    const authorizeQuery = (resources: string[], state = 's') =>
      authorizePath([
        ['response_type', 'code'],
        ['client_id', client.clientId],
        ['redirect_uri', REDIRECT],
        ['scope', 'a.read b.read shared.x'],
        ['state', state],
        ...resources.map((resource): [string, string] => ['resource', resource]),
      ]);

    async function codeFor(resources: string[]): Promise<string> {
      const { location } = await authorizeThroughPages(server, authorizeQuery(resources), USER);
      return codeFrom(location, REDIRECT, 's');
    }

    const exchange = (code: string, resource?: string) =>
      tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...(resource ? { resource } : {}) }, client);
    const refresh = (refreshToken: string, resource?: string) => tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshToken, ...(resource ? { resource } : {}) }, client);

    it('remembers the resources asked at /oauth/authorize: the exchange names one, a refresh another', async () => {
      const code = await codeFor([API_A, API_B]);
      const first = await exchange(code, API_A);
      expect(first.status).toBe(200);
      expect([decodeJwt(first.body.access_token!).aud, first.body.scope]).toEqual([API_A, 'a.read shared.x']);
      const second = await refresh(first.body.refresh_token!, API_B);
      expect(second.status).toBe(200);
      expect([decodeJwt(second.body.access_token!).aud, second.body.scope]).toEqual([API_B, 'b.read shared.x']);
      // The grant still holds every scope granted: back to A.
      const third = await refresh(second.body.refresh_token!, API_A);
      expect([decodeJwt(third.body.access_token!).aud, third.body.scope]).toEqual([API_A, 'a.read shared.x']);

      const before = await grantsCount();
      const fresh = await refresh(third.body.refresh_token!, UNGRANTED);
      expect([fresh.status, fresh.body]).toEqual([400, INVALID_TARGET]);
      // Refused before spending: the refresh token still works.
      expect((await refresh(third.body.refresh_token!, API_B)).status).toBe(200);
      expect(await grantsCount()).toBe(before);
    });

    it('a single resource asked only at /oauth/authorize is the audience of the tokens from that code', async () => {
      const tokens = await exchange(await codeFor([API_B]));
      expect([tokens.status, decodeJwt(tokens.body.access_token!).aud]).toEqual([200, API_B]);
      expect(decodeJwt((await refresh(tokens.body.refresh_token!)).body.access_token!).aud).toBe(API_B);
    });

    it('refuses at the exchange a resource the code was not for, and no resource when it was for several', async () => {
      const before = await grantsCount();
      expect(await exchange(await codeFor([API_A]), UNGRANTED)).toEqual({ status: 400, body: INVALID_TARGET });
      expect(await exchange(await codeFor([API_A, API_B]))).toEqual({ status: 400, body: INVALID_TARGET });
      expect(await exchange(await codeFor([]), API_A)).toEqual({ status: 400, body: INVALID_TARGET });
      expect(await grantsCount()).toBe(before);
    });

    it.each([
      ['a fragment', `${API_A}#frag`],
      ['a relative URI', 'relative/api'],
      ['an unknown resource', 'https://unknown.example.com'],
    ])('refuses %s at /oauth/authorize by redirect (invalid_target), storing no request', async (_, resource) => {
      const pendingBefore = await sql(server, 'SELECT handle_hash FROM authorization_requests');
      const response = await server.request(authorizeQuery([resource]));
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '');
      expect([location.origin + location.pathname, location.searchParams.get('error'), location.searchParams.get('state')]).toEqual([REDIRECT, 'invalid_target', 's']);
      expect(await sql(server, 'SELECT handle_hash FROM authorization_requests')).toEqual(pendingBefore);
    });

    it('refuses at /oauth/authorize a resource the client may not use', async () => {
      const limited = await createTestClient(server, { redirectUris: [REDIRECT], scopes: ['a.read'] });
      await call(server, 'PATCH', `/admin/v1/clients/${limited.clientId}`, { allowedResources: [API_B] });
      const path = authorizePath({ response_type: 'code', client_id: limited.clientId, redirect_uri: REDIRECT, state: 'n', resource: API_A });
      const response = await server.request(path);
      expect(response.headers.get('location')).toBe(errorRedirect(server.config.issuer, REDIRECT, 'invalid_target', 'the client may not use this resource', 'n'));
    });
  });

  describe('admin API bearer tokens', () => {
    it('accepts only tokens whose audience is AUTH_ISSUER', async () => {
      const operator = { username: 'resource-operator', password: 'resource-operator-password-1' };
      await createUser(server, operator.username, operator.password, ['access_control']);
      const client = (await createTestClient(server, { grants: ['password'], redirectUris: [], scopes: ['admin'] })) as TestClient & { clientSecret: string };
      const tokenFor = async (resource?: string) => {
        const response = await postForm(server, '/oauth/token', { grant_type: 'password', ...operator, scope: 'admin', ...(resource ? { resource } : {}) }, { authorization: basic(client.clientId, client.clientSecret) });
        expect(response.status).toBe(200);
        return ((await response.json()) as { access_token: string; scope: string });
      };
      const adminCall = (accessToken: string) => server.request('/admin/v1/resources', { headers: { authorization: `Bearer ${accessToken}` } });

      const forIssuer = await tokenFor(server.config.issuer);
      expect([forIssuer.scope, (await adminCall(forIssuer.access_token)).status]).toEqual(['admin', 200]);

      // With `admin` owned by no resource it reaches every audience: the audience alone must refuse it.
      const issuerResource = ((await call(server, 'GET', '/admin/v1/resources')).body.items as { id: string; identifier: string }[]).find((item) => item.identifier === server.config.issuer)!;
      expect((await call(server, 'PATCH', `/admin/v1/resources/${issuerResource.id}`, { scopes: [] })).status).toBe(200);
      try {
        const forResourceServer = await tokenFor();
        expect([forResourceServer.scope, decodeJwt(forResourceServer.access_token).aud]).toEqual(['admin', server.config.resourceAudience]);
        expect((await adminCall(forResourceServer.access_token)).status).toBe(401);
      } finally {
        await call(server, 'PATCH', `/admin/v1/resources/${issuerResource.id}`, { scopes: ['admin'] });
      }
    });
  });
});
