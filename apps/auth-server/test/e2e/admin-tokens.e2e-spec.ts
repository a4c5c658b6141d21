import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { accessTokenFor, basic, createClient, createUser, postForm, type TestClient } from '../support/token-fixtures.js';

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
