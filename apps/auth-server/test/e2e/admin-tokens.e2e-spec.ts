import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { accessTokenFor, basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

interface TokenItem {
  id: string;
  clientId: string;
  username: string | null;
  grant: string;
  scopes: string[];
  issuedAt: string;
  expiresAt: string | null;
  refresh: null | { remaining: number | 'unlimited' };
}

describe('admin tokens API and admin bearer tokens', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  function admin(path: string, init: RequestInit = {}): Promise<Response> {
    return server.request(path, { ...init, headers: { authorization: server.adminAuthorization } });
  }

  async function issueUserToken(target: TestClient, username: string, scopes: string[], withRefreshToken = true) {
    const found = await server.app.get(ClientAuthenticator).find(target.clientId);
    const user = await server.app.get(UsersService).findByUsername(username);
    // A token with `admin` is for the admin API: its audience is AUTH_ISSUER (RFC 8707).
    const forAdminApi = scopes.includes('admin') ? { audience: server.config.issuer, scopes, lifetimeSeconds: null, resources: [server.config.issuer] } : undefined;
    return server.app.get(TokenIssuance).issue({ client: found!, user: { id: user!.id, username }, grantType: 'authorization_code', scopes, withRefreshToken, target: forAdminApi });
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, {
      grants: ['client_credentials', 'authorization_code'],
      scopes: ['read', 'admin'],
      refreshCount: { mode: 'limited', limit: 3 },
    });
    await createUser(server, 'alice', 'alice-password-1');
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists grants without their values, filtered and paginated', async () => {
    await accessTokenFor(server, client, { scope: 'read' });
    const { grantId } = await issueUserToken(client, 'alice', ['read']);
    const page = (await (await admin(`/admin/v1/tokens?clientId=${client.clientId}&limit=1`)).json()) as { items: TokenItem[]; nextCursor: string };
    expect(page.items).toEqual([
      {
        id: expect.any(String),
        clientId: client.clientId,
        username: null,
        grant: 'client_credentials',
        scopes: ['read'],
        issuedAt: expect.any(String),
        expiresAt: expect.any(String),
        refresh: null,
      },
    ]);
    const next = (await (await admin(`/admin/v1/tokens?clientId=${client.clientId}&limit=1&cursor=${page.nextCursor}`)).json()) as {
      items: TokenItem[];
      nextCursor: null;
    };
    expect(next).toEqual({
      items: [expect.objectContaining({ id: grantId, username: 'alice', grant: 'authorization_code', refresh: { remaining: 3 } })],
      nextCursor: null,
    });
    const byUser = (await (await admin('/admin/v1/tokens?username=ALICE')).json()) as { items: TokenItem[] };
    expect(byUser.items.map((item) => item.id)).toEqual([grantId]);
  });

  it('DELETE /admin/v1/tokens/{id} revokes one grant; unknown or malformed ids are 404', async () => {
    const token = await accessTokenFor(server, client);
    const gid = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { gid: string }).gid;
    expect((await admin(`/admin/v1/tokens/${gid}`, { method: 'DELETE' })).status).toBe(204);
    const listed = (await (await admin(`/admin/v1/tokens?clientId=${client.clientId}`)).json()) as { items: TokenItem[] };
    expect(listed.items.map((item) => item.id)).not.toContain(gid);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await admin(`/admin/v1/tokens/${id}`, { method: 'DELETE' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' });
    }
  });

  it('DELETE /admin/v1/clients/{clientId}/tokens revokes all of them; unknown client is 404', async () => {
    const other = await createClient(server);
    await accessTokenFor(server, other);
    await accessTokenFor(server, other);
    expect((await admin(`/admin/v1/clients/${other.clientId}/tokens`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await admin(`/admin/v1/tokens?clientId=${other.clientId}`)).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await admin('/admin/v1/clients/nobody/tokens', { method: 'DELETE' })).status).toBe(404);
  });

  it('AD-10: "revoke all" of a client: every token inactive, refresh invalid_grant, and the tokens.revoked event that resource servers consume is written', async () => {
    const victim = await createClient(server, { grants: ['client_credentials', 'authorization_code'], scopes: ['read'], refreshCount: { mode: 'unlimited' } });
    const introspector = await createClient(server, { introspection: true });
    const machine = await accessTokenFor(server, victim);
    const { response: user } = await issueUserToken(victim, 'alice', ['read']);
    const introspect = async (token: string) =>
      (await postForm(server, '/oauth/introspect', { token }, { authorization: basic(introspector.clientId, introspector.secret) })).json();
    for (const token of [machine, user.access_token, user.refresh_token!]) expect(await introspect(token)).toMatchObject({ active: true });

    expect((await admin(`/admin/v1/clients/${victim.clientId}/tokens`, { method: 'DELETE' })).status).toBe(204);
    for (const token of [machine, user.access_token, user.refresh_token!]) expect(await introspect(token)).toEqual({ active: false });
    const refreshed = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: user.refresh_token! }, { authorization: basic(victim.clientId, victim.secret) });
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: 'invalid_grant' });
    // The same event path as every other revocation (outbox, then the stream): test/e2e/stack-in-process shows a resource server refusing within 1 s.
    const events = await sql<{ payload: { clientId: string; revokedBefore?: string } }>(
      server,
      "SELECT payload FROM outbox_events WHERE kind = 'tokens.revoked' AND entity_id = $1",
      [victim.clientId],
    );
    expect(events).toEqual([{ payload: expect.objectContaining({ clientId: victim.clientId, revokedBefore: expect.any(String) }) }]);
  });

  it('AD-1: an expired admin bearer token is 401, as no credentials are', async () => {
    await createUser(server, 'expiring-root', 'expiring-root-password-1', ['access_control']);
    const found = await server.app.get(ClientAuthenticator).find(client.clientId);
    const user = await server.app.get(UsersService).findByUsername('expiring-root');
    // Long enough for the check that it works first, even on a loaded machine; then its expiry is waited out.
    const target = { audience: server.config.issuer, scopes: ['admin'], lifetimeSeconds: 4, resources: [server.config.issuer] };
    const { response } = await server.app
      .get(TokenIssuance)
      .issue({ client: found!, user: { id: user!.id, username: 'expiring-root' }, grantType: 'authorization_code', scopes: ['admin'], withRefreshToken: false, target });
    const { exp } = JSON.parse(Buffer.from(response.access_token.split('.')[1], 'base64url').toString()) as { exp: number };
    const bearer = { authorization: `Bearer ${response.access_token}` };
    expect((await server.request('/admin/v1/tokens', { headers: bearer })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1100));
    const expired = await server.request('/admin/v1/tokens', { headers: bearer });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect((await server.request('/admin/v1/tokens')).status).toBe(401);
  });

  it('accepts a bearer token with scope admin issued to an admin user, and refuses others', async () => {
    await createUser(server, 'root', 'root-password-1', ['access_control']);
    const adminToken = (await issueUserToken(client, 'root', ['admin'], false)).response.access_token;
    const ok = await server.request('/admin/v1/tokens', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(ok.status).toBe(200);

    const withoutScope = (await issueUserToken(client, 'root', ['read'], false)).response.access_token;
    const clientToken = await accessTokenFor(server, client, { scope: 'admin', resource: server.config.issuer });
    for (const token of [withoutScope, clientToken, 'garbage.token.value']) {
      expect((await server.request('/admin/v1/tokens', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    }
    const notAdmin = (await issueUserToken(client, 'alice', ['admin'], false)).response.access_token;
    expect((await server.request('/admin/v1/tokens', { headers: { authorization: `Bearer ${notAdmin}` } })).status).toBe(403);

    await postForm(server, '/oauth/revoke', { token: adminToken }, { authorization: basic(client.clientId, client.secret) });
    expect((await server.request('/admin/v1/tokens', { headers: { authorization: `Bearer ${adminToken}` } })).status).toBe(401);
  });
});
