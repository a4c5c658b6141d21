import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { basicAuthorization, startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

/** A deactivated or deleted user's tokens are revoked, and the resource servers are told (by grant id). */
describe('revoking the tokens of a deactivated or deleted user', () => {
  let server: RunningAuthServer;
  let client: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    server = await startTestAuthServer();
    const created = await server.request('/admin/v1/clients', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { name: 'Password App', version: '1.0', type: 'confidential', grants: ['password'] },
    });
    client = (await created.json()) as typeof client;
  });
  afterAll(async () => {
    await server.close();
  });

  async function userWithToken(username: string): Promise<{ userId: string; token: string; grantId: string }> {
    const user = await server.request('/admin/v1/users', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { username, password: 'a-long-password' },
    });
    const { id } = (await user.json()) as { id: string };
    const response = await server.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username, password: 'a-long-password' }).toString(),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { gid: string };
    return { userId: id, token, grantId: claims.gid };
  }

  async function introspect(token: string): Promise<unknown> {
    const response = await server.request('/oauth/introspect', {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    return response.json();
  }

  async function revokedGrantIds(): Promise<string[]> {
    const db = new pg.Client({ connectionString: server.database.url });
    await db.connect();
    const { rows } = await db.query<{ payload: { grantIds?: string[] } }>("SELECT payload FROM outbox_events WHERE kind = 'tokens.revoked'");
    await db.end();
    return rows.flatMap((row) => row.payload.grantIds ?? []);
  }

  it('deactivation makes the token inactive and emits tokens.revoked naming its grant', async () => {
    const { userId, token, grantId } = await userWithToken('alice');
    expect(await introspect(token)).toMatchObject({ active: true, username: 'alice' });
    const patched = await server.request(`/admin/v1/users/${userId}`, { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { active: false } });
    expect(patched.status).toBe(200);
    expect(await introspect(token)).toEqual({ active: false });
    expect(await revokedGrantIds()).toContain(grantId);
  });

  it('deletion emits tokens.revoked naming its grant before the rows go', async () => {
    const { userId, token, grantId } = await userWithToken('bob');
    const deleted = await server.request(`/admin/v1/users/${userId}`, { method: 'DELETE', headers: { authorization: server.adminAuthorization } });
    expect(deleted.status).toBe(204);
    expect(await introspect(token)).toEqual({ active: false });
    expect(await revokedGrantIds()).toContain(grantId);
  });
});
