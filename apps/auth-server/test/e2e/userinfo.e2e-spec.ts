import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { eventually } from '#testing';
import { basicAuthorization, startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizeThroughPages, createTestClient, patchClient, tokenRequest, type TestClient } from '../support/authorize-flow.helpers.js';
import { UserinfoController } from '../../src/userinfo/userinfo.controller.js';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'address'];
const ALICE = { username: 'alice', password: 'alice-password-1' };
const ALICE_PROFILE = {
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  preferred_username: 'alice',
  picture: 'https://pictures.example/alice.png',
  birthdate: '0000-05-04',
  zoneinfo: 'Europe/London',
  locale: 'en-GB',
  email: 'alice@example.com',
  email_verified: true,
  phone_number: '+441865270000',
  phone_number_verified: false,
  address: { street_address: '1 Rabbit Hole', locality: 'Oxford', country: 'GB' },
};

/**
 * OpenID Connect Core 1.0 §5.3 as the conformance suite's oidcc-userinfo-get, -post-header and
 * -post-body drive it, with openid-client (v6) as the relying party, and the RFC 6750 refusals.
 */
describe('GET|POST /oauth/userinfo', () => {
  let server: RunningAuthServer;
  let app: TestClient;
  let config: client.Configuration;
  let userinfoUrl: string;
  // Before the boot, since Nest takes the controller's methods when it registers the routes, and
  // with each method's route metadata, which Nest reads from the function itself.
  const viaNest = (['get', 'post'] as const).map((method) => {
    const declared = UserinfoController.prototype[method];
    const spy = jest.spyOn(UserinfoController.prototype, method);
    for (const key of Reflect.getMetadataKeys(declared)) Reflect.defineMetadata(key, Reflect.getMetadata(key, declared), UserinfoController.prototype[method]);
    return spy;
  });

  async function admin(method: string, path: string, json?: unknown): Promise<Response> {
    return server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
  }

  async function passwordToken(scope: string, user = ALICE, via = app): Promise<string> {
    const { status, body } = await tokenRequest(server, { grant_type: 'password', username: user.username, password: user.password, scope }, via);
    expect(status).toBe(200);
    return body.access_token!;
  }

  function userinfo(init: RequestInit & { query?: string } = {}): Promise<Response> {
    return server.request(`/oauth/userinfo${init.query ?? ''}`, init);
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  /** Revocation or introspection of `token` by the app. */
  function asApp(path: string, token: string): Promise<Response> {
    const authorization = basicAuthorization(app.clientId, app.clientSecret!);
    return server.request(path, { method: 'POST', headers: { ...form, authorization }, body: new URLSearchParams({ token }).toString() });
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    app = await createTestClient(server, {
      grants: ['authorization_code', 'password', 'client_credentials'],
      redirectUris: [REDIRECT],
      scopes: [...OIDC_SCOPES, 'read'],
    });
    expect((await admin('POST', '/admin/v1/users', { ...ALICE, profile: ALICE_PROFILE })).status).toBe(201);
    const metadata = (await (await server.request('/.well-known/oauth-authorization-server')).json()) as client.ServerMetadata;
    userinfoUrl = metadata.userinfo_endpoint!;
    // The server listens on a random port, not on its configured issuer: endpoints pointed at it.
    config = new client.Configuration(
      {
        ...metadata,
        authorization_endpoint: `${server.baseUrl}/oauth/authorize`,
        token_endpoint: `${server.baseUrl}/oauth/token`,
        userinfo_endpoint: `${server.baseUrl}/oauth/userinfo`,
      },
      app.clientId,
      app.clientSecret,
      client.ClientSecretBasic(app.clientSecret),
    );
    client.allowInsecureRequests(config);
  });
  afterAll(async () => {
    await server.close();
  });

  /** A code flow with openid-client: authorization URL, pages, code exchange. */
  async function codeFlowTokens(scope: string) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope,
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { location } = await authorizeThroughPages(server, `${url.pathname}${url.search}`, ALICE);
    return client.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: state });
  }

  const aliceClaims = { sub: ALICE.username, ...ALICE_PROFILE, updated_at: expect.any(Number) };

  it('is listed in both metadata documents, with the claims it answers', async () => {
    expect(userinfoUrl).toBe(`${server.config.issuer}/oauth/userinfo`);
    const discovery = (await (await server.request('/.well-known/openid-configuration')).json()) as client.ServerMetadata;
    expect(discovery.userinfo_endpoint).toBe(userinfoUrl);
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'name', 'email', 'email_verified', 'phone_number', 'address', 'updated_at']));
  });

  it('oidcc-userinfo-get: answers every claim of the granted scopes to openid-client', async () => {
    const tokens = await codeFlowTokens(OIDC_SCOPES.join(' '));
    // openid-client checks that userinfo's sub is the id token's (Core §5.3.2).
    const idToken = tokens.claims();
    expect(idToken?.sub).toBe(ALICE.username);
    const claims = await client.fetchUserInfo(config, tokens.access_token, idToken!.sub);
    expect(claims).toEqual(aliceClaims);
  });

  it('oidcc-userinfo-post-header: the token in the header of a POST', async () => {
    const tokens = await codeFlowTokens(OIDC_SCOPES.join(' '));
    const response = await client.fetchProtectedResource(config, tokens.access_token, new URL(`${server.baseUrl}/oauth/userinfo`), 'POST');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(aliceClaims);
  });

  it('oidcc-userinfo-post-body: the token as access_token in a POST form body', async () => {
    const tokens = await codeFlowTokens(OIDC_SCOPES.join(' '));
    const response = await userinfo({ method: 'POST', headers: form, body: new URLSearchParams({ access_token: tokens.access_token }).toString() });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(aliceClaims);
  });

  it.each([
    ['openid', {}],
    ['openid email', { email: 'alice@example.com', email_verified: true }],
    ['openid phone', { phone_number: '+441865270000', phone_number_verified: false }],
    ['openid address', { address: ALICE_PROFILE.address }],
    [
      'openid profile',
      {
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        preferred_username: 'alice',
        picture: ALICE_PROFILE.picture,
        birthdate: '0000-05-04',
        zoneinfo: 'Europe/London',
        locale: 'en-GB',
        updated_at: expect.any(Number),
      },
    ],
  ])('answers only the claims of the granted scopes: %s', async (scope, expected) => {
    const response = await userinfo({ headers: bearer(await passwordToken(scope)) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: ALICE.username, ...expected });
  });

  it('leaves out claims without a value, and follows a profile change at once', async () => {
    const bob = { username: 'bob', password: 'bob-password-12' };
    const created = await admin('POST', '/admin/v1/users', { ...bob, profile: { nickname: 'Bobby' } });
    const { id } = (await created.json()) as { id: string };
    const token = await passwordToken('openid profile email', bob);
    expect(await (await userinfo({ headers: bearer(token) })).json()).toEqual({ sub: 'bob', nickname: 'Bobby', updated_at: expect.any(Number) });
    expect((await admin('PATCH', `/admin/v1/users/${id}`, { profile: { nickname: null, email: 'bob@example.com' } })).status).toBe(200);
    expect(await (await userinfo({ headers: bearer(token) })).json()).toEqual({
      sub: 'bob',
      email: 'bob@example.com',
      email_verified: false,
      updated_at: expect.any(Number),
    });
  });

  it('refuses a token without openid with 403 insufficient_scope', async () => {
    const response = await userinfo({ headers: bearer(await passwordToken('profile email')) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="openid"');
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('refuses a token once openid is no longer associated with its client', async () => {
    const other = await createTestClient(server, { grants: ['password'], scopes: ['openid', 'email'] });
    const token = await passwordToken('openid email', ALICE, other);
    expect((await userinfo({ headers: bearer(token) })).status).toBe(200);
    expect((await admin('DELETE', `/admin/v1/clients/${other.clientId}/scopes/openid`)).status).toBe(204);
    expect((await userinfo({ headers: bearer(token) })).status).toBe(403);
  });

  async function expectInvalidToken(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  }

  it('refuses a revoked token', async () => {
    const token = await passwordToken('openid email');
    expect((await asApp('/oauth/revoke', token)).status).toBe(200);
    await expectInvalidToken(await userinfo({ headers: bearer(token) }));
  });

  it('refuses an expired token', async () => {
    const shortLived = await createTestClient(server, { grants: ['password'], scopes: ['openid'] });
    await patchClient(server, shortLived.clientId, { accessTokenLifetime: { mode: 'seconds', seconds: 1 } });
    const token = await passwordToken('openid', ALICE, shortLived);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };
    // No check that it works first: on a loaded machine its one second may be over before the call.
    let expired: Response | undefined;
    await eventually(async () => (expired = await userinfo({ headers: bearer(token) })).status !== 200, 10_000, 'the token to expire');
    await expectInvalidToken(expired!);
    // Refused for its expiry, not before it.
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(exp);
  });

  it('refuses garbage, a token signed by another key, and a refresh-token-shaped value', async () => {
    await expectInvalidToken(await userinfo({ headers: bearer('not-a-token') }));
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ scope: 'openid profile', client_id: app.clientId, gid: '00000000-0000-4000-8000-000000000000' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'forged' })
      .setIssuer(server.config.issuer)
      .setSubject(ALICE.username)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    await expectInvalidToken(await userinfo({ headers: bearer(forged) }));
    await expectInvalidToken(await userinfo({ method: 'POST', headers: form, body: 'access_token=abc.def.ghi' }));
  });

  it("refuses a deactivated user's token, and a deleted user's", async () => {
    for (const [name, end] of [
      ['carol', (id: string) => admin('PATCH', `/admin/v1/users/${id}`, { active: false })],
      ['dave', (id: string) => admin('DELETE', `/admin/v1/users/${id}`)],
    ] as const) {
      const user = { username: name, password: `${name}-password-1` };
      const { id } = (await (await admin('POST', '/admin/v1/users', { ...user, profile: { name } })).json()) as { id: string };
      const token = await passwordToken('openid profile', user);
      expect((await userinfo({ headers: bearer(token) })).status).toBe(200);
      expect((await end(id)).status).toBeLessThan(300);
      await expectInvalidToken(await userinfo({ headers: bearer(token) }));
    }
  });

  it('follows a change made through another instance: a profile within a second, a deactivation too', async () => {
    const other = await startTestAuthServer({}, {}, { database: server.database });
    try {
      const erin = { username: 'erin', password: 'erin-password-12' };
      const { id } = (await (await admin('POST', '/admin/v1/users', { ...erin, profile: { nickname: 'E' } })).json()) as { id: string };
      const token = await passwordToken('openid profile', erin);
      const atOther = async () => other.request('/oauth/userinfo', { headers: bearer(token) });
      expect(await (await atOther()).json()).toMatchObject({ nickname: 'E' });
      expect((await admin('PATCH', `/admin/v1/users/${id}`, { profile: { nickname: 'Erin' } })).status).toBe(200);
      await eventually(
        async () => ((await (await atOther()).json()) as { nickname?: string }).nickname === 'Erin',
        5_000,
        'the new nickname at the other instance',
      );
      expect((await admin('PATCH', `/admin/v1/users/${id}`, { active: false })).status).toBe(200);
      await eventually(async () => (await atOther()).status === 401, 5_000, 'the other instance to refuse the token');
    } finally {
      await other.close();
    }
  });

  it('refuses a client_credentials token: there is no end-user', async () => {
    const { status, body } = await tokenRequest(server, { grant_type: 'client_credentials', scope: 'openid' }, app);
    expect(status).toBe(200);
    await expectInvalidToken(await userinfo({ headers: bearer(body.access_token!) }));
  });

  it('answers no token with a bare Bearer challenge', async () => {
    for (const response of [await userinfo(), await userinfo({ method: 'POST' }), await userinfo({ method: 'POST', headers: form, body: '' })]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('refuses a token in the query, or in both the header and the body, with 400 invalid_request', async () => {
    const token = await passwordToken('openid');
    for (const response of [
      await userinfo({ query: `?access_token=${token}` }),
      await userinfo({ method: 'POST', query: `?access_token=${token}`, headers: form, body: '' }),
      await userinfo({ method: 'POST', headers: { ...form, ...bearer(token) }, body: new URLSearchParams({ access_token: token }).toString() }),
      await userinfo({ method: 'POST', headers: form, body: `access_token=${token}&access_token=${token}` }),
      await userinfo({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: token }) }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_request"/);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('answers 405 to other methods', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect((await userinfo({ method })).status).toBe(405);
  });

  it('lets browser relying parties call it (CORS), exposing the challenge', async () => {
    const preflight = await userinfo({
      method: 'OPTIONS',
      headers: { origin: 'https://spa.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    // An OPTIONS that is no preflight, with a body of a type nobody parses: a plain 404 (found by fuzzing: it was a 415 framework error).
    const notPreflight = await userinfo({ method: 'OPTIONS', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(notPreflight.status).toBe(404);
    expect(await notPreflight.json()).toMatchObject({ error: expect.any(String) });
    const refused = await userinfo({ headers: { origin: 'https://spa.example', ...bearer('garbage') } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
    const served = await userinfo({ headers: { origin: 'https://spa.example', ...bearer(await passwordToken('openid')) } });
    expect(served.headers.get('access-control-allow-origin')).toBe('*');
    // The admin API stays same-origin.
    expect((await admin('GET', '/admin/v1/users')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers with the access token’s sub, the same as introspection', async () => {
    const token = await passwordToken('openid');
    const { sub } = (await (await asApp('/oauth/introspect', token)).json()) as { sub: string };
    expect(await (await userinfo({ headers: bearer(token) })).json()).toEqual({ sub });
  });

  it('is answered by the plain Fastify handler (UserinfoRoute): no-store on refusals too, and the controller never runs', async () => {
    const refused = await userinfo();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('pragma')).toBe('no-cache');
    const token = await passwordToken('openid');
    for (const answered of [await userinfo({ headers: bearer(token) }), await userinfo({ method: 'POST', headers: bearer(token) })]) {
      expect(answered.status).toBe(200);
      expect(answered.headers.get('cache-control')).toBe('no-store');
    }
    for (const spy of viaNest) expect(spy).not.toHaveBeenCalled();
  });
});
