import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { ClientAuthenticator } from '../../src/clients/client-authenticator.js';
import { AuditWriter } from '../../src/audit/audit-writer.js';
import { IntrospectionController } from '../../src/introspection/introspection.controller.js';
import { DEFAULT_SCAN_POLICY, TokenScanThrottle } from '../../src/introspection/token-scan-throttle.js';
import { TokenIssuance } from '../../src/tokens/token-issuance.js';
import { UsersService } from '../../src/users/users.service.js';
import { accessTokenFor, basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);

const INACTIVE = { active: false };

/** A token this server never issued: random opaque bytes, or three random JWS-like parts. */
function randomToken(shape: 'opaque' | 'jwt'): string {
  if (shape === 'opaque') return randomBytes(32).toString('base64url');
  return [randomBytes(24), randomBytes(48), randomBytes(64)].map((part) => part.toString('base64url')).join('.');
}

function randomTokens(count: number): string[] {
  return Array.from({ length: count }, (_, i) => randomToken(i % 2 === 0 ? 'opaque' : 'jwt'));
}

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

  /** Answers in the order of `tokens`, 25 requests at a time. */
  async function introspectAll(tokens: string[], caller: TestClient): Promise<Response[]> {
    const answers: Response[] = [];
    for (let start = 0; start < tokens.length; start += 25) answers.push(...(await Promise.all(tokens.slice(start, start + 25).map((token) => introspect(token, caller)))));
    return answers;
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

  it('IN-7: token scanning: unknown tokens are exactly {"active":false} with Cache-Control: no-store up to the limit, then 429 for that client alone, audited once', async () => {
    const scanner = await createClient(server, { introspection: true });
    const valid = await accessTokenFor(server, client);
    for (const answer of await introspectAll(randomTokens(DEFAULT_SCAN_POLICY.maxUnknownTokens), scanner)) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.json()).toEqual(INACTIVE);
    }
    for (const token of [randomToken('opaque'), randomToken('jwt')]) {
      const locked = await introspect(token, scanner);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('cache-control')).toBe('no-store');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await locked.json()).toEqual({ error: 'invalid_request', error_description: 'too many introspections of unknown tokens, retry later' });
    }
    // A token signed here is still judged: a resource server whose callers send garbage keeps admitting valid tokens.
    expect(await (await introspect(valid, scanner)).json()).toMatchObject({ active: true });
    // Other clients, flagged or not, are not affected.
    for (const caller of [resourceServer, client]) for (const token of [randomToken('opaque'), randomToken('jwt')]) expect(await (await introspect(token, caller)).json()).toEqual(INACTIVE);
    await server.app.get(AuditWriter).flush();
    expect(await sql(server, `SELECT actor_type, actor, details FROM audit_events WHERE action = 'introspection.throttled' AND target_id = $1`, [scanner.clientId])).toEqual([
      { actor_type: 'client', actor: scanner.clientId, details: { limit: DEFAULT_SCAN_POLICY.maxUnknownTokens, windowSeconds: DEFAULT_SCAN_POLICY.windowSeconds } },
    ]);
  });

  it('IN-7: expired, revoked and rotated-out tokens, and an unknown token asked again, do not count toward the scanning limit', async () => {
    const throttle = server.app.get(TokenScanThrottle);
    throttle.usePolicy({ maxUnknownTokens: 3, windowSeconds: 600 });
    try {
      const asker = await createClient(server, { introspection: true });
      const shortLived = await createClient(server, { lifetime: { mode: 'seconds', seconds: 1 } });
      const expired = [await accessTokenFor(server, shortLived), await accessTokenFor(server, shortLived), await accessTokenFor(server, shortLived)];
      const revoked = [await accessTokenFor(server, client), await accessTokenFor(server, client), await accessTokenFor(server, client)];
      for (const token of revoked) expect((await postForm(server, '/oauth/revoke', { token }, { authorization: basic(client.clientId, client.secret) })).status).toBe(200);
      const user = await createUser(server, 'scan-bob', 'bob-password-1');
      const codeClient = await createClient(server, { grants: ['authorization_code'] });
      const found = await server.app.get(ClientAuthenticator).find(codeClient.clientId);
      const { response: issued } = await server.app
        .get(TokenIssuance)
        .issue({ client: found!, user: { id: user.id, username: 'scan-bob' }, grantType: 'authorization_code', scopes: ['read'], withRefreshToken: true });
      const rotation = await postForm(server, '/oauth/token', { grant_type: 'refresh_token', refresh_token: issued.refresh_token! }, { authorization: basic(codeClient.clientId, codeClient.secret) });
      expect(rotation.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      // Counted: a random token, a forged one (our header, a signature that does not match), another random one.
      const [header, , signature] = revoked[0].split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ scope: 'admin' })).toString('base64url')}.${signature}`;
      const [first, third] = randomTokens(2);
      const asked = [...expired, ...revoked, issued.refresh_token!, first, first, first, forged, forged];
      for (const answer of await introspectAll(asked, asker)) {
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual(INACTIVE);
      }
      // The third unknown token reaches the limit and is still answered; the next request is refused.
      expect(await (await introspect(third, asker)).json()).toEqual(INACTIVE);
      expect((await introspect(randomToken('opaque'), asker)).status).toBe(429);
    } finally {
      throttle.usePolicy(DEFAULT_SCAN_POLICY);
    }
  });

  it('IN-7: a scanner without the secret is throttled as any failed client authentication (TC-10)', async () => {
    const scanner = await createClient(server);
    for (let i = 0; i < 10; i++) expect((await postForm(server, '/oauth/introspect', { token: randomToken('opaque') }, { authorization: basic(scanner.clientId, 'wrong') })).status).toBe(401);
    const locked = await introspect(randomToken('opaque'), scanner);
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
