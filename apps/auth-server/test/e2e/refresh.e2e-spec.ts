import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { basic, createClient, createUser, postForm, sql, type ClientOptions, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);


const invalidGrant = { error: 'invalid_grant', error_description: 'the refresh token is invalid' };

describe('POST /oauth/token: refresh_token', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  /** The code flow belongs to another module: a refresh-capable grant is issued directly. */
  async function issueGrant(target: TestClient, scopes = ['read', 'write'], username = 'alice'): Promise<{ refresh: string; access: string; grantId: string }> {
    const found = await server.app.get(ClientAuthenticator).find(target.clientId);
    const user = await server.app.get(UsersService).findByUsername(username);
    const { response, grantId } = await server.app
      .get(TokenIssuance)
      .issue({ client: found!, user: { id: user!.id, username: user!.username }, grantType: 'authorization_code', scopes, withRefreshToken: true });
    return { refresh: response.refresh_token!, access: response.access_token, grantId };
  }

  function refresh(target: TestClient, token: string, extra: Record<string, string> = {}): Promise<Response> {
    return postForm(
      server,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: token, ...extra },
      { authorization: basic(target.clientId, target.secret) },
    );
  }

  function codeClient(options: ClientOptions = {}): Promise<TestClient> {
    return createClient(server, { grants: ['authorization_code'], ...options });
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    await createUser(server, 'alice', 'alice-password-1');
    client = await codeClient({ refreshCount: { mode: 'unlimited' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('rotates: a new access and refresh token, same grant id, the old refresh token spent', async () => {
    const grant = await issueGrant(client);
    const response = await refresh(client, grant.refresh);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, refresh_token: expect.any(String), scope: 'read write' });
    expect(body.refresh_token).not.toBe(grant.refresh);
    const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ gid: grant.grantId, sub: 'alice', client_id: client.clientId });
  });

  it('RT-1: another client presenting the refresh token gets invalid_grant, and nothing is spent', async () => {
    const grant = await issueGrant(client);
    const other = await codeClient();
    const stolen = await refresh(other, grant.refresh);
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toEqual(invalidGrant);
    expect((await refresh(client, grant.refresh)).status).toBe(200);
  });

  it('RT-2: an access token or garbage as the refresh token is invalid_grant', async () => {
    const grant = await issueGrant(client);
    for (const token of [grant.access, 'garbage']) {
      const response = await refresh(client, token);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(invalidGrant);
    }
  });

  it('RT-3: a narrower scope is allowed and the grant keeps its scope; a wider one is invalid_scope', async () => {
    await createClient(server, { scopes: ['admin'] });
    const grant = await issueGrant(client, ['read']);
    const wider = await refresh(client, grant.refresh, { scope: 'read write' });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toEqual({ error: 'invalid_scope', error_description: 'the requested scope is not allowed for this client' });
    const full = await issueGrant(client);
    const narrower = (await (await refresh(client, full.refresh, { scope: 'read' })).json()) as Record<string, string>;
    expect(narrower.scope).toBe('read');
    const again = (await (await refresh(client, narrower.refresh_token)).json()) as Record<string, string>;
    expect(again.scope).toBe('read write');
  });

  it('RT-4: reusing a rotated-out refresh token revokes the whole grant', async () => {
    const grant = await issueGrant(client);
    const rotated = (await (await refresh(client, grant.refresh)).json()) as Record<string, string>;
    const replay = await refresh(client, grant.refresh);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual(invalidGrant);
    const newer = await refresh(client, rotated.refresh_token);
    expect(newer.status).toBe(400);
    expect(await newer.json()).toEqual(invalidGrant);
    const [row] = await sql<{ revoked: boolean }>(server, 'SELECT revoked_at IS NOT NULL AS revoked FROM grants WHERE id = $1', [grant.grantId]);
    expect(row.revoked).toBe(true);
    const [event] = await sql<{ payload: { grantIds: string[] } }>(
      server,
      `SELECT payload FROM outbox_events WHERE kind = 'tokens.revoked' ORDER BY seq DESC LIMIT 1`,
    );
    expect(event.payload.grantIds).toEqual([grant.grantId]);
  });

  it('F-13: a rotated-out refresh token replayed after a restart is still refused and revokes the grant (state in the database) (RT-7)', async () => {
    const grant = await issueGrant(client);
    const rotated = (await (await refresh(client, grant.refresh)).json()) as Record<string, string>;
    expect(rotated.refresh_token).toEqual(expect.any(String));
    await server.restart();
    const replay = await refresh(client, grant.refresh);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual(invalidGrant);
    const newer = await refresh(client, rotated.refresh_token);
    expect(newer.status).toBe(400);
    const [row] = await sql<{ revoked: boolean }>(server, 'SELECT revoked_at IS NOT NULL AS revoked FROM grants WHERE id = $1', [grant.grantId]);
    expect(row.revoked).toBe(true);
  });

  it('RT-5: ten parallel refreshes with one token: exactly one 200, the rest invalid_grant', async () => {
    const grant = await issueGrant(client);
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(client, grant.refresh)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(400)]);
  });

  it('RT-6: with a refresh count of 2, two refreshes succeed (the last without a new refresh token), then the grant is gone', async () => {
    const limited = await codeClient({ refreshCount: { mode: 'limited', limit: 2 } });
    const grant = await issueGrant(limited);
    const first = (await (await refresh(limited, grant.refresh)).json()) as Record<string, string>;
    expect(first.refresh_token).toEqual(expect.any(String));
    const second = await refresh(limited, first.refresh_token);
    expect(second.status).toBe(200);
    expect(((await second.json()) as Record<string, string>).refresh_token).toBeUndefined();
    const third = await refresh(limited, first.refresh_token);
    expect(third.status).toBe(400);
    expect(await third.json()).toEqual(invalidGrant);
  });

  it('RT-6: ten parallel refreshes on the last remaining refresh: exactly one succeeds', async () => {
    const limited = await codeClient({ refreshCount: { mode: 'limited', limit: 1 } });
    const grant = await issueGrant(limited);
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(limited, grant.refresh)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, ...Array(9).fill(400)]);
  });

  it('RT-8: two rotations in the same second, then the older refresh token replayed: invalid_grant, and the grant is revoked', async () => {
    const issuedAt = (body: Record<string, string>): number => (JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()) as { iat: number }).iat;
    // Rotations are told apart by their token hashes, not by their iat: aim both at one second
    // (each attempt starts on a second boundary; the access tokens' iat shows whether they landed
    // there). A machine too loaded to manage it in five attempts still checks the replay, with the
    // last pair, rather than failing on time.
    let rotations!: { grantId: string; older: string; latest: string };
    for (let attempt = 0, sameSecond = false; attempt < 5 && !sameSecond; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
      const grant = await issueGrant(client);
      const first = (await (await refresh(client, grant.refresh)).json()) as Record<string, string>;
      const second = (await (await refresh(client, first.refresh_token)).json()) as Record<string, string>;
      expect(second.refresh_token).toEqual(expect.any(String));
      rotations = { grantId: grant.grantId, older: first.refresh_token, latest: second.refresh_token };
      sameSecond = issuedAt(first) === issuedAt(second);
    }
    const { grantId, older, latest } = rotations;
    const replay = await refresh(client, older);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual(invalidGrant);
    // Seen as a replay (RT-4), not mistaken for the latest token of that second.
    const [row] = await sql<{ revoked: boolean }>(server, 'SELECT revoked_at IS NOT NULL AS revoked FROM grants WHERE id = $1', [grantId]);
    expect(row.revoked).toBe(true);
    const newest = await refresh(client, latest);
    expect(newest.status).toBe(400);
    expect(await newest.json()).toEqual(invalidGrant);
  });

  it('issues no refresh token when the refresh count is 0', async () => {
    const none = await codeClient({ refreshCount: { mode: 'limited', limit: 0 } });
    const grant = await issueGrant(none);
    expect(grant.refresh).toBeUndefined();
  });

  it('RT-10: a client not registered for authorization_code is unauthorized_client', async () => {
    const ccOnly = await createClient(server, { grants: ['client_credentials'] });
    const response = await refresh(ccOnly, 'anything');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'the client is not authorized to use this grant or response type',
    });
  });

  it('TC-7/TC-8: refresh without client authentication, or by a deactivated client, is 401 invalid_client', async () => {
    const grant = await issueGrant(client);
    const unauthenticated = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: grant.refresh, client_id: client.clientId });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    const disabled = await codeClient();
    const disabledGrant = await issueGrant(disabled);
    // Through the admin API (CONTRACT): clients are cached per instance and this is what empties the cache.
    const patched = await server.request(`/admin/v1/clients/${disabled.clientId}`, {
      method: 'PATCH',
      headers: { authorization: server.adminAuthorization, 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(patched.status).toBe(200);
    const response = await refresh(disabled, disabledGrant.refresh);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('RT-9: a deactivated user cannot refresh', async () => {
    await createUser(server, 'bob', 'bob-password-1');
    const grant = await issueGrant(client, ['read'], 'bob');
    await sql(server, `UPDATE users SET active = false WHERE username = 'bob'`);
    const response = await refresh(client, grant.refresh);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'the resource owner is no longer active' });
  });

  it('drops scopes no longer associated with the client', async () => {
    const grant = await issueGrant(client);
    await sql(server, `DELETE FROM client_scopes WHERE client_ref = $1 AND scope_name = 'write'`, [client.id]);
    const body = (await (await refresh(client, grant.refresh)).json()) as Record<string, string>;
    expect(body.scope).toBe('read');
    await sql(server, `INSERT INTO client_scopes (client_ref, scope_name) VALUES ($1, 'write')`, [client.id]);
  });

  it('a public client refreshes with client_id alone', async () => {
    const pub = await createClient(server, { type: 'public', grants: ['authorization_code'] });
    const grant = await issueGrant(pub);
    const response = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: grant.refresh, client_id: pub.clientId });
    expect(response.status).toBe(200);
  });
});
