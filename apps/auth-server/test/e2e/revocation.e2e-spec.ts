import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { accessTokenFor, basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

describe('POST /oauth/revoke', () => {
  let server: RunningAuthServer;
  let client: TestClient;
  let introspector: TestClient;

  function revoke(token: string, caller = client): Promise<Response> {
    return postForm(server, '/oauth/revoke', { token }, { authorization: basic(caller.clientId, caller.secret) });
  }

  async function isActive(token: string): Promise<boolean> {
    const response = await postForm(server, '/oauth/introspect', { token }, { authorization: basic(introspector.clientId, introspector.secret) });
    return ((await response.json()) as { active: boolean }).active;
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server);
    introspector = await createClient(server, { introspection: true });
  });
  afterAll(async () => {
    await server.close();
  });

  it('RV-6: revokes an access token (a JWT, by its grant: a denylist the resource servers get): 200 with an empty body, the grant inactive, a tokens.revoked event written', async () => {
    const token = await accessTokenFor(server, client);
    const response = await revoke(token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    expect(await isActive(token)).toBe(false);
    const gid = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { gid: string }).gid;
    const events = await sql<{ entity_id: string; payload: unknown }>(server, `SELECT entity_id, payload FROM outbox_events WHERE kind = 'tokens.revoked'`);
    expect(events).toEqual([{ entity_id: client.clientId, payload: { clientId: client.clientId, grantIds: [gid], expiresAt: expect.any(String) } }]);
  });

  it('RV-1: no client authentication is 401 invalid_client', async () => {
    const response = await postForm(server, '/oauth/revoke', { token: 'x' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it("RV-2: another client's token is refused (400 unauthorized_client, RFC 7009 §2.1) and left active", async () => {
    const token = await accessTokenFor(server, client);
    const other = await createClient(server);
    const response = await revoke(token, other);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
    expect(await isActive(token)).toBe(true);
  });

  it('RV-3: unknown, garbage and already revoked tokens are 200 with an empty body', async () => {
    const token = await accessTokenFor(server, client);
    await revoke(token);
    for (const candidate of ['garbage', 'a.b.c', token]) {
      const response = await revoke(candidate);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    }
  });

  it('RV-4: revoking the refresh token invalidates the access tokens of the grant', async () => {
    await createUser(server, 'alice', 'alice-password-1');
    const codeClient = await createClient(server, { grants: ['authorization_code'] });
    const found = await server.app.get(ClientAuthenticator).find(codeClient.clientId);
    const user = await server.app.get(UsersService).findByUsername('alice');
    const { response } = await server.app
      .get(TokenIssuance)
      .issue({ client: found!, user: { id: user!.id, username: 'alice' }, grantType: 'authorization_code', scopes: ['read'], withRefreshToken: true });
    expect(await isActive(response.access_token)).toBe(true);
    expect((await revoke(response.refresh_token!, codeClient)).status).toBe(200);
    expect(await isActive(response.access_token)).toBe(false);
    const refresh = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: response.refresh_token! },
      { authorization: basic(codeClient.clientId, codeClient.secret) },
    );
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toEqual({ error: 'invalid_grant', error_description: 'the refresh token is invalid' });
  });

  it('a missing token parameter is invalid_request', async () => {
    const response = await postForm(server, '/oauth/revoke', {}, { authorization: basic(client.clientId, client.secret) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'the parameter token is missing' });
  });
});
