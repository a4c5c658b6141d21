import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { IntrospectionController } from '../../src/introspection/introspection.controller.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { accessTokenFor, basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

const INACTIVE = { active: false };

describe('POST /oauth/introspect', () => {
  let server: RunningAuthServer;
  let resourceServer: TestClient;
  let client: TestClient;
  // Before the boot, since Nest takes the controller's method when it registers the route, and
  // with the method's route metadata, which Nest reads from the function itself.
  const declared = IntrospectionController.prototype.introspect;
  const viaNest = jest.spyOn(IntrospectionController.prototype, 'introspect');
  for (const key of Reflect.getMetadataKeys(declared)) Reflect.defineMetadata(key, Reflect.getMetadata(key, declared), IntrospectionController.prototype.introspect);

  function introspect(token: string | undefined, caller = resourceServer, extra: Record<string, string> = {}): Promise<Response> {
    return postForm(
      server,
      '/oauth/introspect',
      { ...(token === undefined ? {} : { token }), ...extra },
      { authorization: basic(caller.clientId, caller.secret) },
    );
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    resourceServer = await createClient(server, { scopes: [], introspection: true });
    client = await createClient(server, { scopes: ['read', 'write'] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('describes an active client_credentials token, with its grant type (gty: CC-4)', async () => {
    const token = await accessTokenFor(server, client, { scope: 'read' });
    const response = await introspect(token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      active: true,
      scope: 'read',
      client_id: client.clientId,
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
      sub: client.clientId,
      aud: 'http://localhost:3001',
      iss: server.config.issuer,
      jti: expect.any(String),
      gty: 'client_credentials',
    });
  });

  it('describes a user token and its refresh token (with username)', async () => {
    await createUser(server, 'alice', 'alice-password-1');
    const codeClient = await createClient(server, { grants: ['authorization_code'] });
    const found = await server.app.get(ClientAuthenticator).find(codeClient.clientId);
    const user = await server.app.get(UsersService).findByUsername('alice');
    const { response } = await server.app
      .get(TokenIssuance)
      .issue({ client: found!, user: { id: user!.id, username: 'alice' }, grantType: 'authorization_code', scopes: ['read'], withRefreshToken: true });
    expect(await (await introspect(response.access_token)).json()).toMatchObject({ active: true, username: 'alice', sub: 'alice', scope: 'read', gty: 'authorization_code' });
    expect(await (await introspect(response.refresh_token, resourceServer, { token_type_hint: 'access_token' })).json()).toEqual({
      active: true,
      scope: 'read',
      client_id: codeClient.clientId,
      username: 'alice',
      token_type: 'refresh_token',
      iat: expect.any(Number),
      sub: 'alice',
      iss: server.config.issuer,
    });
  });

  it('IN-1: no or wrong client authentication is 401 invalid_client', async () => {
    const token = await accessTokenFor(server, client);
    const none = await postForm(server, '/oauth/introspect', { token });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    const wrong = await postForm(server, '/oauth/introspect', { token }, { authorization: basic(resourceServer.clientId, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Basic');
  });

  it('IN-2: a public client may not introspect', async () => {
    const pub = await createClient(server, { type: 'public', grants: ['authorization_code'] });
    const response = await postForm(server, '/oauth/introspect', { token: 'x', client_id: pub.clientId });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
  });

  it('IN-3: garbage, a forged signature, an expired and a revoked token are exactly {"active":false}', async () => {
    const token = await accessTokenFor(server, client);
    const [header, payload] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'admin' })).toString('base64url')}.${token.split('.')[2]}`;
    const shortLived = await createClient(server, { lifetime: { mode: 'seconds', seconds: 1 } });
    const expiring = await accessTokenFor(server, shortLived);
    const revoked = await accessTokenFor(server, client);
    await postForm(server, '/oauth/revoke', { token: revoked }, { authorization: basic(client.clientId, client.secret) });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    for (const candidate of ['garbage', 'a.b.c', forged, expiring, revoked]) {
      const response = await introspect(candidate);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(INACTIVE);
    }
  });

  it('IN-4: a token of a deactivated client, or issued before "revoke all", is inactive', async () => {
    const victim = await createClient(server);
    const token = await accessTokenFor(server, victim);
    await sql(server, 'UPDATE clients SET active = false WHERE id = $1', [victim.id]);
    expect(await (await introspect(token)).json()).toEqual(INACTIVE);
    await sql(server, 'UPDATE clients SET active = true WHERE id = $1', [victim.id]);
    expect(await (await introspect(token)).json()).toMatchObject({ active: true });
    const deleted = await server.request(`/admin/v1/clients/${victim.clientId}/tokens`, {
      method: 'DELETE',
      headers: { authorization: server.adminAuthorization },
    });
    expect(deleted.status).toBe(204);
    expect(await (await introspect(token)).json()).toEqual(INACTIVE);
  });

  it('IN-6: a missing token is invalid_request; an unknown token_type_hint changes nothing', async () => {
    const missing = await introspect(undefined);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'the parameter token is missing' });
    const token = await accessTokenFor(server, client);
    expect(await (await introspect(token, resourceServer, { token_type_hint: 'bogus' })).json()).toMatchObject({ active: true });
  });

  it('IN-7: token scanning: every random token is exactly {"active":false} with Cache-Control: no-store; a scanner guessing the secret is throttled (429)', async () => {
    const random = (): string =>
      Math.random() < 0.5 ? randomBytes(32).toString('base64url') : [randomBytes(24), randomBytes(48), randomBytes(64)].map((part) => part.toString('base64url')).join('.');
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 25 }, () => introspect(random())));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get('cache-control')).toBe('no-store');
        expect(await answer.json()).toEqual(INACTIVE);
      }
    }
    // Without the client's secret, guessing is locked out after ten failures (TC-10), at this endpoint too.
    const scanner = await createClient(server);
    for (let i = 0; i < 10; i++) expect((await postForm(server, '/oauth/introspect', { token: random() }, { authorization: basic(scanner.clientId, 'wrong') })).status).toBe(401);
    const locked = await introspect(random(), scanner);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('cache-control')).toBe('no-store');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('is answered by the plain Fastify handler (IntrospectionRoute): no-store on refusals too, 405 for other methods, the controller never runs', async () => {
    const refused = await postForm(server, '/oauth/introspect', { token: 'x' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('pragma')).toBe('no-cache');
    const answered = await introspect(await accessTokenFor(server, client));
    expect(answered.status).toBe(200);
    expect(answered.headers.get('pragma')).toBe('no-cache');
    expect(answered.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(`${server.baseUrl}/oauth/introspect`)).status).toBe(405);
    expect(viaNest).not.toHaveBeenCalled();
  });
});
