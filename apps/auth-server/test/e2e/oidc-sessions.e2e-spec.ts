import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import * as openid from 'openid-client';
import { eventually, freePort } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { createTestClient, csrfOf, TestBrowser, tokenRequest, type TestClient } from '../support/authorize-flow.helpers.js';

jest.setTimeout(60_000);

const REDIRECT = 'http://127.0.0.1/callback';
const AFTER_LOGOUT = 'http://127.0.0.1/signed-out';
const SESSION = 'portcullis_session';

/**
 * Browser sessions (issue 15 item 5-7) at the HTTP level, with openid-client v6 as the relying
 * party for the code flow: single sign-on, prompt, max_age, login_hint, id_token_hint, remembered
 * consent, sessions and consents in the admin API, and RP-initiated logout; and every way a
 * session cookie must not sign anyone in.
 */
describe('OpenID Connect browser sessions', () => {
  let server: RunningAuthServer;
  let issuer: string;
  let first: TestClient;
  let second: TestClient;
  const alice = { username: 'alice', password: 'alice-password-1' };
  const bob = { username: 'bob', password: 'bob-password-12' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    issuer = server.config.issuer;
    first = await oidcClient('First App');
    second = await oidcClient('Second App');
    for (const user of [alice, bob]) ids[user.username] = ((await admin('POST', '/admin/v1/users', { ...user, permissions: [] })).body as { id: string }).id;
  });
  afterAll(async () => {
    await server.close();
  });

  async function admin(method: string, path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await server.request(path, { method, json, headers: { authorization: server.adminAuthorization } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function oidcClient(name: string, extra: Record<string, unknown> = {}): Promise<TestClient> {
    const client = await createTestClient(server, { name, type: 'public', redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read', 'offline_access'], refreshCount: { mode: 'unlimited' } });
    const patched = await admin('PATCH', `/admin/v1/clients/${client.clientId}`, { postLogoutRedirectUris: [AFTER_LOGOUT], ...extra });
    expect(patched.status).toBe(200);
    return client;
  }

  /** An authorization request as openid-client builds it; the verifier for the code exchange. */
  async function authorizeUrl(client: TestClient, params: Record<string, string> = {}): Promise<{ path: string; verifier: string; state: string; config: openid.Configuration }> {
    const config = await openid.discovery(new URL(issuer), client.clientId, {}, openid.None(), { execute: [openid.allowInsecureRequests] });
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid read',
      state,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    });
    return { path: `${url.pathname}${url.search}`, verifier, state, config };
  }

  async function login(browser: TestBrowser, page: Response, user: { username: string; password: string }): Promise<Response> {
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('action="/oauth/authorize/login"');
    return browser.post('/oauth/authorize/login', { csrf_token: csrfOf(html), ...user });
  }

  async function allow(browser: TestBrowser, consentPage: Response): Promise<string> {
    expect(consentPage.status).toBe(200);
    const html = await consentPage.text();
    expect(html).toContain('value="allow"');
    const decided = await browser.post('/oauth/authorize/consent', { csrf_token: csrfOf(html), decision: 'allow' });
    expect(decided.status).toBe(303);
    return decided.headers.get('location')!;
  }

  /** Signs `user` in to `client` through the pages in `browser`; returns the id token. */
  async function signIn(browser: TestBrowser, client: TestClient, user: { username: string; password: string }, params: Record<string, string> = {}): Promise<string> {
    const request = await authorizeUrl(client, params);
    const loggedIn = await login(browser, await browser.get(request.path), user);
    expect(loggedIn.status).toBe(303);
    const location = loggedIn.headers.get('location') === '/oauth/authorize/consent' ? await allow(browser, await browser.get('/oauth/authorize/consent')) : loggedIn.headers.get('location')!;
    return (await exchange(request, location)).id_token!;
  }

  async function exchange(request: { verifier: string; state: string; config: openid.Configuration }, location: string) {
    return openid.authorizationCodeGrant(request.config, new URL(location), { pkceCodeVerifier: request.verifier, expectedState: request.state, idTokenExpected: true });
  }

  /** The redirect an authorization request answers at once, or null when it shows a page. */
  async function redirectOf(browser: TestBrowser, client: TestClient, params: Record<string, string> = {}): Promise<URL | null> {
    const { path } = await authorizeUrl(client, params);
    const response = await browser.get(path);
    if (response.status === 200) return null;
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!);
  }

  function expectError(location: URL | null, error: string, state?: string): void {
    expect(location).not.toBeNull();
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    expect(location!.searchParams.get('error')).toBe(error);
    expect(location!.searchParams.get('iss')).toBe(issuer);
    if (state) expect(location!.searchParams.get('state')).toBe(state);
  }

  it('single sign-on: a second client gets its code without a login, auth_time is the login, and a remembered consent skips the consent page', async () => {
    const browser = new TestBrowser(server);
    const firstToken = await signIn(browser, first, alice);
    const cookie = browser.cookies.get(SESSION);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const request = await authorizeUrl(second);
    const consentPage = await browser.get(request.path);
    expect(await consentPage.clone().text()).not.toContain('Password');
    const tokens = await exchange(request, await allow(browser, consentPage));
    const claims = tokens.claims()!;
    expect(claims.sub).toBe('alice');
    expect(claims.auth_time).toBe(decodeJwt(firstToken).auth_time);
    // The id token verifies against the JWKS (openid-client checked iss, aud, exp and the rest).
    const jwks = (await (await server.request('/oauth/jwks')).json()) as JSONWebKeySet;
    await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), { issuer, audience: second.clientId });

    // Consent remembered: the same scopes again need no page at all.
    const again = await authorizeUrl(second);
    const response = await browser.get(again.path);
    expect(response.status).toBe(302);
    expect((await exchange(again, response.headers.get('location')!)).claims()!.sub).toBe('alice');
    // More scopes than consented ask again.
    expect(await redirectOf(browser, second, { scope: 'openid read profile' })).toBeNull();
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/, lasts sessionLifetimeSeconds, and is new at every login', async () => {
    const browser = new TestBrowser(server);
    const { path } = await authorizeUrl(first, { prompt: 'login' });
    const loggedIn = await login(browser, await browser.get(path), alice);
    const setCookie = loggedIn.headers.getSetCookie().find((line) => line.startsWith(`${SESSION}=`));
    expect(setCookie).toMatch(/^portcullis_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
    const before = browser.cookies.get(SESSION)!;
    // prompt=login asks again even with a session, and the new login rotates the session.
    await login(browser, await browser.get((await authorizeUrl(first, { prompt: 'login' })).path), alice);
    expect(browser.cookies.get(SESSION)).not.toBe(before);
    const stale = new TestBrowser(server);
    stale.cookies.set(SESSION, before);
    expectError(await redirectOf(stale, first, { prompt: 'none' }), 'login_required');
  });

  it('prompt=none (oidcc-prompt-none-not-logged-in): login_required without a session, consent_required without consent, a code with both', async () => {
    const anonymous = new TestBrowser(server);
    expectError(await redirectOf(anonymous, first, { prompt: 'none', state: 'st-1' }), 'login_required', 'st-1');

    const browser = new TestBrowser(server);
    await signIn(browser, first, bob);
    const silent = await authorizeUrl(first, { prompt: 'none' });
    const response = await browser.get(silent.path);
    expect(response.status).toBe(302);
    expect((await exchange(silent, response.headers.get('location')!)).claims()!.sub).toBe('bob');
    const fresh = await oidcClient('Fresh App');
    expectError(await redirectOf(browser, fresh, { prompt: 'none', state: 'st-2' }), 'consent_required', 'st-2');
    // prompt=consent shows the consent page although the consent is remembered.
    expect(await redirectOf(browser, first, { prompt: 'consent' })).toBeNull();
  });

  it('oidcc-ensure-registered-redirect-uri: an OpenID request to an unregistered redirect_uri is an error page, never a redirect, even with prompt=none', async () => {
    const browser = new TestBrowser(server);
    await signIn(browser, first, alice);
    for (const redirectUri of [`${REDIRECT}/other`, `${REDIRECT}?x=1`, 'http://localhost/callback', 'https://attacker.example/callback']) {
      const { path } = await authorizeUrl(first, { redirect_uri: redirectUri, prompt: 'none' });
      const response = await browser.get(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });

  it('max_age: 0 always asks for a login; once max_age seconds have passed since the login, a new one', async () => {
    const browser = new TestBrowser(server);
    const idToken = await signIn(browser, first, alice, { prompt: 'login' });
    expect(await redirectOf(browser, first, { max_age: '0' })).toBeNull();
    // oidcc-max-age-1: poll until more than a second has passed since auth_time; then a login page.
    const authTime = decodeJwt(idToken).auth_time as number;
    await eventually(() => Date.now() / 1000 > authTime + 2, 5000, 'two seconds after auth_time');
    expect(await redirectOf(browser, first, { max_age: '1' })).toBeNull();
    expectError(await redirectOf(browser, first, { max_age: '1', prompt: 'none' }), 'login_required');
    // A new login answers it, and the id token says when.
    const fresh = await signIn(browser, first, alice, { max_age: '1' });
    expect(decodeJwt(fresh).auth_time).toBeGreaterThanOrEqual(authTime + 2);
  });

  it.each([
    [{ max_age: '-1' }, 'max_age must be a non-negative integer number of seconds'],
    [{ max_age: 'soon' }, 'max_age must be a non-negative integer number of seconds'],
    [{ prompt: 'none login' }, 'prompt=none cannot be combined with another value'],
    [{ prompt: 'select_account' }, 'prompt values are none, login and consent, separated by single spaces'],
  ])('refuses %j with invalid_request by redirect', async (params, description) => {
    const location = await redirectOf(new TestBrowser(server), first, { ...params, state: 'bad' });
    expectError(location, 'invalid_request', 'bad');
    expect(location!.searchParams.get('error_description')).toBe(description);
  });

  it('login_hint pre-fills the user name', async () => {
    const { path } = await authorizeUrl(first, { login_hint: 'alice<b>' });
    expect(await (await new TestBrowser(server).get(path)).text()).toContain('name="username" value="alice&lt;b&gt;"');
  });

  it('a forged cookie, another session id, an expired session and an unknown handle sign no one in', async () => {
    const owner = new TestBrowser(server);
    await signIn(owner, first, alice, { prompt: 'login' });
    const sessions = (await admin('GET', `/admin/v1/users/${ids.alice}/sessions`)).body as { id: string }[];
    for (const value of [randomBytes(32).toString('base64url'), sessions[0].id, `${owner.cookies.get(SESSION)}x`, '']) {
      const forged = new TestBrowser(server);
      forged.cookies.set(SESSION, value);
      expectError(await redirectOf(forged, first, { prompt: 'none' }), 'login_required');
    }
    // Expired: a one-second lifetime, polled past.
    expect((await admin('PATCH', '/admin/v1/settings', { sessionLifetimeSeconds: 1 })).status).toBe(200);
    try {
      const short = new TestBrowser(server);
      await signIn(short, first, alice, { prompt: 'login' });
      await eventually(async () => (await redirectOf(short, first, { prompt: 'none' }))?.searchParams.get('error') === 'login_required', 10_000, 'the session to expire');
    } finally {
      expect((await admin('PATCH', '/admin/v1/settings', { sessionLifetimeSeconds: 28800 })).status).toBe(200);
    }
  });

  it('the admin lists and ends sessions; another user id cannot end them; a deactivated user loses theirs at once', async () => {
    const carol = { username: 'carol', password: 'carol-password-1' };
    const carolId = ((await admin('POST', '/admin/v1/users', { ...carol, permissions: [] })).body as { id: string }).id;
    const browser = new TestBrowser(server);
    await signIn(browser, first, carol);
    const listed = await admin('GET', `/admin/v1/users/${carolId}/sessions`);
    expect(listed.status).toBe(200);
    const [session] = listed.body as Record<string, unknown>[];
    expect(Object.keys(session).sort()).toEqual(['authenticatedAt', 'createdAt', 'expiresAt', 'id', 'ip', 'lastSeenAt', 'userAgent', 'userId']);
    expect(session).toMatchObject({ userId: carolId, ip: '127.0.0.1' });
    expect((await admin('DELETE', `/admin/v1/users/${ids.bob}/sessions/${String(session.id)}`)).status).toBe(404);
    expect((await admin('DELETE', `/admin/v1/users/${carolId}/sessions/not-a-uuid`)).status).toBe(404);
    expect(await redirectOf(browser, first, { prompt: 'none' })).not.toBeNull();
    expect((await redirectOf(browser, first, { prompt: 'none' }))!.searchParams.get('code')).toBeTruthy();
    expect((await admin('DELETE', `/admin/v1/users/${carolId}/sessions/${String(session.id)}`)).status).toBe(204);
    expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
    const audit = await admin('GET', '/admin/v1/audit?action=user.session.ended');
    expect(JSON.stringify(audit.body)).toContain(String(session.id));

    // Deactivation: the session row goes in the same transaction, and the cookie is worthless.
    await signIn(browser, first, carol);
    expect(((await admin('GET', `/admin/v1/users/${carolId}/sessions`)).body as unknown[]).length).toBe(1);
    expect((await admin('PATCH', `/admin/v1/users/${carolId}`, { active: false })).status).toBe(200);
    expect((await admin('GET', `/admin/v1/users/${carolId}/sessions`)).body).toEqual([]);
    expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
    expect((await admin('PATCH', `/admin/v1/users/${carolId}`, { active: true })).status).toBe(200);
    expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
  });

  it('id_token_hint: ours for this client and this user passes; another signer, another client, or another user is refused', async () => {
    const browser = new TestBrowser(server);
    const hint = await signIn(browser, first, alice, { prompt: 'login' });
    const code = (await redirectOf(browser, first, { prompt: 'none', id_token_hint: hint }))!.searchParams.get('code');
    expect(code).toBeTruthy();
    expectError(await redirectOf(browser, second, { prompt: 'none', id_token_hint: hint, state: 's' }), 'invalid_request', 's');
    // Both of our algorithms: an ES256 client's id token is a hint too.
    const es256 = await oidcClient('ES256 App', { idTokenSignedResponseAlg: 'ES256' });
    const es256Hint = await signIn(browser, es256, alice, { prompt: 'login' });
    expect(JSON.parse(Buffer.from(es256Hint.split('.')[0], 'base64url').toString()).alg).toBe('ES256');
    expect((await redirectOf(browser, es256, { prompt: 'none', id_token_hint: es256Hint }))!.searchParams.get('code')).toBeTruthy();

    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ sub: 'alice', aud: first.clientId, iss: issuer, auth_time: 1 })
      .setProtectedHeader({ alg: 'RS256', kid: (await exportJWK(publicKey)).kid ?? 'foreign' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    expectError(await redirectOf(browser, first, { prompt: 'none', id_token_hint: foreign }), 'invalid_request');
    expectError(await redirectOf(browser, first, { prompt: 'none', id_token_hint: 'not.a.jwt' }), 'invalid_request');

    // A hint for bob while alice is signed in: prompt=none cannot ask, so login_required.
    const bobHint = await signIn(new TestBrowser(server), first, bob);
    expectError(await redirectOf(browser, first, { prompt: 'none', id_token_hint: bobHint }), 'login_required');
    expect(await redirectOf(browser, first, { id_token_hint: bobHint })).toBeNull();
  });

  it('consents are listed and withdrawn; withdrawing revokes the tokens the user gave that client', async () => {
    const dave = { username: 'dave', password: 'dave-password-12' };
    const daveId = ((await admin('POST', '/admin/v1/users', { ...dave, permissions: [] })).body as { id: string }).id;
    const browser = new TestBrowser(server);
    const request = await authorizeUrl(first, { scope: 'openid read offline_access' });
    const loggedIn = await login(browser, await browser.get(request.path), dave);
    const tokens = await exchange(request, await allow(browser, await browser.get(loggedIn.headers.get('location')!)));
    const listed = await admin('GET', `/admin/v1/users/${daveId}/consents`);
    expect(listed).toEqual({ status: 200, body: [{ id: expect.any(String), clientId: first.clientId, scopes: ['offline_access', 'openid', 'read'], grantedAt: expect.any(String) }] });
    const [consent] = listed.body as { id: string }[];
    expect((await admin('DELETE', `/admin/v1/users/${ids.alice}/consents/${consent.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/admin/v1/users/${daveId}/consents/${consent.id}`)).status).toBe(204);
    expect((await admin('GET', `/admin/v1/users/${daveId}/consents`)).body).toEqual([]);
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, first);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    // The consent page is back.
    expect(await redirectOf(browser, first)).toBeNull();
    expect((await admin('DELETE', `/admin/v1/users/${daveId}/consents/${consent.id}`)).status).toBe(404);
  });

  it('a user deleted and created again under the same name gets none of the old sessions, consents or grants', async () => {
    const erin = { username: 'erin', password: 'erin-password-12' };
    const oldId = ((await admin('POST', '/admin/v1/users', { ...erin, permissions: [] })).body as { id: string }).id;
    const browser = new TestBrowser(server);
    const request = await authorizeUrl(first, { scope: 'openid read offline_access' });
    expect((await login(browser, await browser.get(request.path), erin)).headers.get('location')).toBe('/oauth/authorize/consent');
    const tokens = await exchange(request, await allow(browser, await browser.get('/oauth/authorize/consent')));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(((await admin('GET', `/admin/v1/users/${oldId}/consents`)).body as unknown[]).length).toBe(1);

    expect((await admin('DELETE', `/admin/v1/users/${oldId}`)).status).toBe(204);
    const newId = ((await admin('POST', '/admin/v1/users', { ...erin, permissions: [] })).body as { id: string }).id;
    expect(newId).not.toBe(oldId);
    // The same `sub` (the user name), but sessions, consents and grants belong to the user's id.
    expect((await admin('GET', `/admin/v1/users/${newId}/sessions`)).body).toEqual([]);
    expect((await admin('GET', `/admin/v1/users/${newId}/consents`)).body).toEqual([]);
    expect(((await admin('GET', '/admin/v1/tokens?username=erin')).body as { items: unknown[] }).items).toEqual([]);
    // The old browser's cookie signs no one in; the old tokens are refused.
    expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
    expect((await server.request('/oauth/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    await expect(openid.refreshTokenGrant(request.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The new erin's first login asks for consent: the old consent was not theirs.
    const again = await authorizeUrl(first, { scope: 'openid read offline_access' });
    expect((await login(browser, await browser.get(again.path), erin)).headers.get('location')).toBe('/oauth/authorize/consent');
  });

  describe('RP-initiated logout', () => {
    it('with an id_token_hint of the signed-in user and a registered URI: ends the session and redirects with state', async () => {
      const browser = new TestBrowser(server);
      const hint = await signIn(browser, first, alice, { prompt: 'login' });
      const config = (await authorizeUrl(first)).config;
      const url = openid.buildEndSessionUrl(config, { id_token_hint: hint, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
      expect(url.href.startsWith(`${issuer}/oauth/logout?`)).toBe(true);
      const response = await browser.get(`${url.pathname}${url.search}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${AFTER_LOGOUT}?state=bye`);
      expect(browser.cookies.has(SESSION)).toBe(false);
      expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
    });

    it('without a hint: a confirmation page whose form needs its CSRF token, then the signed-out page', async () => {
      const browser = new TestBrowser(server);
      await signIn(browser, first, bob, { prompt: 'login' });
      const page = await browser.get('/oauth/logout');
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Sign out?');
      expect(html).toContain('<strong>bob</strong>');
      expect((await browser.post('/oauth/logout/confirm', {})).status).toBe(403);
      expect((await browser.post('/oauth/logout/confirm', { csrf_token: 'forged' })).status).toBe(403);
      expect(await redirectOf(browser, first, { prompt: 'none' })).not.toBeNull();
      const done = await browser.post('/oauth/logout/confirm', { csrf_token: csrfOf(html) });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('You are signed out.');
      expectError(await redirectOf(browser, first, { prompt: 'none' }), 'login_required');
    });

    it('refuses an unregistered post_logout_redirect_uri, a hint from another signer, and a hint for another client_id', async () => {
      const browser = new TestBrowser(server);
      const hint = await signIn(browser, first, alice, { prompt: 'login' });
      const attempts = [
        `/oauth/logout?client_id=${first.clientId}&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1/elsewhere')}`,
        `/oauth/logout?post_logout_redirect_uri=${encodeURIComponent(AFTER_LOGOUT)}`,
        `/oauth/logout?id_token_hint=${hint}x`,
        `/oauth/logout?id_token_hint=${hint}&client_id=${second.clientId}`,
      ];
      for (const path of attempts) {
        const response = await browser.get(path);
        expect(response.status).toBe(400);
        expect(response.headers.get('location')).toBeNull();
      }
      // Nothing was ended.
      expect((await redirectOf(browser, first, { prompt: 'none' }))!.searchParams.get('code')).toBeTruthy();
    });
  });

  it('discovery names the end_session_endpoint', async () => {
    const metadata = (await (await server.request('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(metadata.end_session_endpoint).toBe(`${issuer}/oauth/logout`);
  });
});
