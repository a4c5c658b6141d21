import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { hashClientSecret } from '../../src/clients/client-secret.js';
import { basic, clientCredentials, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

const invalidClient = { error: 'invalid_client', error_description: 'client authentication failed' };

describe('POST /oauth/token: client_credentials and client authentication', () => {
  let server: RunningAuthServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { grants: ['client_credentials', 'password'], scopes: ['read', 'write'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('issues an ES256 at+jwt with every claim, verifiable against /oauth/jwks, and no refresh token (CC-2)', async () => {
    const response = await clientCredentials(server, client, { scope: 'read' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    const token = body.access_token as string;
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/jwks`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: server.config.issuer, audience: 'http://localhost:3001', typ: 'at+jwt' });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toEqual({
      iss: server.config.issuer,
      aud: 'http://localhost:3001',
      sub: client.clientId,
      client_id: client.clientId,
      scope: 'read',
      iat: expect.any(Number),
      exp: (payload.iat as number) + 3600,
      jti: expect.any(String),
      gid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      gty: 'client_credentials',
    });
  });

  it('grants every associated scope when none is requested, and accepts client_secret_post', async () => {
    const response = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scope: string }).scope).toBe('read write');
  });

  it('omits exp and expires_in when the lifetime is "never"', async () => {
    const forever = await createClient(server, { lifetime: { mode: 'never' } });
    const body = (await (await clientCredentials(server, forever)).json()) as Record<string, unknown>;
    expect(body.expires_in).toBeUndefined();
    const payload = JSON.parse(Buffer.from((body.access_token as string).split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload.exp).toBeUndefined();
  });

  it('CC-3: refuses a scope outside the allow-list, and a malformed scope', async () => {
    for (const scope of ['read admin', 'read  write']) {
      const response = await clientCredentials(server, client, { scope });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_scope',
        error_description:
          scope === 'read admin' ? 'requested scope is not allowed for this client'.replace('requested', 'the requested') : 'the scope parameter is malformed',
      });
    }
  });

  it('TC-1/TC-2: wrong secret and unknown client get the same 401, with a Basic challenge', async () => {
    const wrong = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'wrong') });
    const unknown = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic('nobody', 'wrong') });
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="portcullis", charset="UTF-8"');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual(invalidClient);
    }
    const post = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong' });
    expect(post.status).toBe(401);
    expect(post.headers.get('www-authenticate')).toBeNull();
    expect(await post.json()).toEqual(invalidClient);
  });

  it('TC-4: Basic and client_secret together is invalid_request', async () => {
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', client_secret: client.secret },
      { authorization: basic(client.clientId, client.secret) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'use exactly one client authentication method' });
  });

  it('TC-5: Basic client id different from the body client_id is invalid_request', async () => {
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: 'other' },
      { authorization: basic(client.clientId, client.secret) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'client_id differs from the authenticated client' });
  });

  it('TC-6: accepts form-encoded special characters in Basic, refuses a malformed header', async () => {
    const special = await createClient(server);
    const secret = 'p@ss:w rd+%&=é';
    await sql(server, 'UPDATE clients SET secret_hash = $1 WHERE id = $2', [hashClientSecret(secret), special.id]);
    const ok = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(special.clientId, secret) });
    expect(ok.status).toBe(200);
    for (const header of ['Basic !!!notbase64', `Basic ${Buffer.from('nocolon').toString('base64')}`]) {
      const response = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: header });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(invalidClient);
    }
  });

  it('TC-7: a confidential client sending only client_id is 401 invalid_client', async () => {
    const response = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(invalidClient);
  });

  it('TC-8: an inactive client with valid credentials is 401 invalid_client', async () => {
    const inactive = await createClient(server, { active: false });
    const response = await clientCredentials(server, inactive);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(invalidClient);
  });

  it('CC-1: a public client on client_credentials is unauthorized_client', async () => {
    const pub = await createClient(server, { type: 'public', grants: ['authorization_code'] });
    const response = await postForm(server, '/oauth/token', { grant_type: 'client_credentials', client_id: pub.clientId });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unauthorized_client',
      error_description: 'the client is not authorized to use this grant or response type',
    });
  });

  it('TK-1: GET is 405, a JSON body is invalid_request', async () => {
    const get = await server.request('/oauth/token');
    expect(get.status).toBe(405);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(await get.json()).toEqual({ error: 'invalid_request', error_description: 'method not allowed' });
    const json = await server.request('/oauth/token', {
      method: 'POST',
      json: { grant_type: 'client_credentials' },
      headers: { authorization: basic(client.clientId, client.secret) },
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request', error_description: 'the body must be application/x-www-form-urlencoded' });
  });

  it('TK-2: grant_type missing is invalid_request, unknown is unsupported_grant_type', async () => {
    const missing = await postForm(server, '/oauth/token', {}, { authorization: basic(client.clientId, client.secret) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'the parameter grant_type is missing' });
    const unknown = await postForm(server, '/oauth/token', { grant_type: 'foo' }, { authorization: basic(client.clientId, client.secret) });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'unsupported grant_type requested' });
  });

  it('TK-3: a repeated parameter is invalid_request, and errors carry no-store', async () => {
    const response = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: ['read', 'write'] },
      { authorization: basic(client.clientId, client.secret) },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'the parameter scope is repeated' });
  });

  describe('password grant', () => {
    beforeAll(async () => {
      await createUser(server, 'alice', 'alice-password-1');
      await createUser(server, 'mallory', 'mallory-password-1');
      await server.request(`/admin/v1/users/${await userId(server, 'mallory')}`, {
        method: 'PATCH',
        headers: { authorization: server.adminAuthorization },
        json: { active: false },
      });
    });

    it('issues a user token with sub = username and no refresh token', async () => {
      const response = await postForm(
        server,
        '/oauth/token',
        { grant_type: 'password', username: 'alice', password: 'alice-password-1', scope: 'read' },
        { authorization: basic(client.clientId, client.secret) },
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, string>;
      expect(body.refresh_token).toBeUndefined();
      const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(payload).toMatchObject({ sub: 'alice', client_id: client.clientId, scope: 'read', gty: 'password' });
      expect(decodeProtectedHeader(body.access_token).typ).toBe('at+jwt');
    });

    it("CC-4: a client_credentials token is told apart from a user token: sub is the client id only for the client's own, and gty names the grant (no user may be named like a client: AD-6)", async () => {
      await expect(createUser(server, client.clientId, 'namesake-password-1')).rejects.toThrow(/409/);
      await createUser(server, 'cc4-user', 'cc4-user-password-1');
      const claimsOf = async (response: Response): Promise<Record<string, unknown>> => {
        expect(response.status).toBe(200);
        const { access_token: token } = (await response.json()) as { access_token: string };
        return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      };
      const clientOnly = await claimsOf(await clientCredentials(server, client, { scope: 'read' }));
      const user = await claimsOf(
        await postForm(
          server,
          '/oauth/token',
          { grant_type: 'password', username: 'cc4-user', password: 'cc4-user-password-1', scope: 'read' },
          { authorization: basic(client.clientId, client.secret) },
        ),
      );
      expect(user).toMatchObject({ sub: 'cc4-user', client_id: client.clientId, gty: 'password' });
      expect(clientOnly).toMatchObject({ sub: client.clientId, client_id: client.clientId, gty: 'client_credentials' });
    });

    it('PW-1/PW-3: wrong password, unknown user and inactive user get the identical invalid_grant', async () => {
      for (const [username, password] of [
        ['alice', 'wrong-password'],
        ['nobody', 'wrong-password'],
        ['mallory', 'mallory-password-1'],
      ]) {
        const response = await postForm(
          server,
          '/oauth/token',
          { grant_type: 'password', username, password },
          { authorization: basic(client.clientId, client.secret) },
        );
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid username or password' });
      }
    });

    it('PW-4: a client not registered for password is unauthorized_client', async () => {
      const ccOnly = await createClient(server, { grants: ['client_credentials'] });
      const response = await postForm(
        server,
        '/oauth/token',
        { grant_type: 'password', username: 'alice', password: 'alice-password-1' },
        { authorization: basic(ccOnly.clientId, ccOnly.secret) },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'unauthorized_client',
        error_description: 'the client is not authorized to use this grant or response type',
      });
    });
  });
});

async function userId(server: RunningAuthServer, username: string): Promise<string> {
  const list = (await (await server.request(`/admin/v1/users?username=${username}`, { headers: { authorization: server.adminAuthorization } })).json()) as {
    items: { id: string }[];
  };
  return list.items[0].id;
}
