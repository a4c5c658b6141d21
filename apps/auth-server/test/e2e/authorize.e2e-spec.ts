import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, authorizeThroughPages, codeFrom, createTestClient, csrfOf, errorRedirect, patchClient, pkcePair, TestBrowser, type TestClient } from '../support/authorize-flow.helpers.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://app.example.com/callback';
const { challenge: CHALLENGE } = pkcePair();

describe('GET /oauth/authorize', () => {
  let server: RunningAuthServer;
  let confidential: TestClient;
  let publicClient: TestClient;
  let implicitClient: TestClient;
  let twoUris: TestClient;
  let loopback: TestClient;
  let withQuery: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    confidential = await createTestClient(server, { scopes: ['read', 'write'] });
    publicClient = await createTestClient(server, { type: 'public', grants: ['authorization_code'], scopes: ['read'] });
    implicitClient = await createTestClient(server, { type: 'public', grants: ['implicit'], scopes: ['read'] });
    twoUris = await createTestClient(server, { redirectUris: [REDIRECT, 'https://app.example.com/other'] });
    loopback = await createTestClient(server, { type: 'public', redirectUris: ['http://127.0.0.1/cb', 'http://[::1]/cb', 'http://localhost/cb'] });
    withQuery = await createTestClient(server, { redirectUris: ['https://app.example.com/cb?tenant=a'] });
  });
  afterAll(async () => {
    await server.close();
  });

  const get = (params: Record<string, string> | [string, string][]) => server.request(authorizePath(params));
  const codeRequest = (client: TestClient, extra: Record<string, string> = {}) => ({ response_type: 'code', client_id: client.clientId, state: 'st', ...extra });

  async function expectErrorPage(response: Response, status = 400): Promise<string> {
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    return response.text();
  }

  async function expectLoginPage(response: Response): Promise<void> {
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form method="post" action="/oauth/authorize/login">');
  }

  describe('client and redirect_uri problems: an error page, never a redirect', () => {
    it('AZ-1: unknown, missing or disabled client_id', async () => {
      expect(await expectErrorPage(await get({ response_type: 'code', client_id: 'nope', redirect_uri: REDIRECT }))).toContain('Unknown application');
      expect(await expectErrorPage(await get({ response_type: 'code', redirect_uri: REDIRECT }))).toContain('The client_id parameter is missing.');
      const disabled = await createTestClient(server);
      await patchClient(server, disabled.clientId, { active: false });
      expect(await expectErrorPage(await get(codeRequest(disabled)))).toContain('Unknown application');
    });

    it('AZ-2: a registered redirect_uri with a suffix', async () => {
      await expectErrorPage(await get(codeRequest(confidential, { redirect_uri: `${REDIRECT}evil` })));
      await expectErrorPage(await get(codeRequest(confidential, { redirect_uri: `${REDIRECT}/evil` })));
    });

    it('AZ-3: a query added, or a registered query changed', async () => {
      await expectErrorPage(await get(codeRequest(confidential, { redirect_uri: `${REDIRECT}?x=1` })));
      await expectErrorPage(await get(codeRequest(withQuery, { redirect_uri: 'https://app.example.com/cb?tenant=b' })));
      await expectErrorPage(await get(codeRequest(withQuery, { redirect_uri: 'https://app.example.com/cb?tenant=a&x=1' })));
      await expectLoginPage(await get(codeRequest(withQuery, { redirect_uri: 'https://app.example.com/cb?tenant=a' })));
    });

    it('AZ-4: case, trailing slash, encoding and dot segments are not normalised', async () => {
      for (const uri of ['https://app.example.com/CALLBACK', `${REDIRECT}/`, 'https://app.example.com%2Fcallback', 'https://app.example.com/./callback', 'https://app.example.com/x/..;/callback', 'https://APP.example.com/callback', 'https://app.example.com:443/callback']) {
        await expectErrorPage(await get(codeRequest(confidential, { redirect_uri: uri })));
      }
    });

    it('AZ-5: userinfo and host tricks', async () => {
      for (const uri of ['https://app.example.com@evil.example/callback', 'https://a@app.example.com@evil.example/callback', 'https://app.example.com.evil.example/callback']) {
        await expectErrorPage(await get(codeRequest(confidential, { redirect_uri: uri })));
      }
    });

    it('AZ-6: a loopback IP redirect URI accepts any port and nothing else', async () => {
      const { challenge } = pkcePair();
      const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
      await expectLoginPage(await get(codeRequest(loopback, { redirect_uri: 'http://127.0.0.1:51234/cb', ...pkce })));
      await expectLoginPage(await get(codeRequest(loopback, { redirect_uri: 'http://[::1]:8080/cb', ...pkce })));
      await expectLoginPage(await get(codeRequest(loopback, { redirect_uri: 'http://127.0.0.1/cb', ...pkce })));
      for (const uri of ['http://127.0.0.1:51234/cb?x=1', 'http://127.0.0.1:51234/cb2', 'http://127.0.0.1:51234/CB', 'http://localhost:51234/cb', 'http://127.0.0.2:51234/cb', 'http://127.0.0.1:0x50/cb', 'https://127.0.0.1:51234/cb']) {
        await expectErrorPage(await get(codeRequest(loopback, { redirect_uri: uri, ...pkce })));
      }
    });

    it('AZ-7: redirect_uri omitted while the client has two', async () => {
      expect(await expectErrorPage(await get(codeRequest(twoUris)))).toContain('The redirect_uri parameter is required for this application.');
    });

    it('AZ-12: a repeated client_id or redirect_uri', async () => {
      await expectErrorPage(await get([['response_type', 'code'], ['client_id', confidential.clientId], ['client_id', confidential.clientId]]));
      await expectErrorPage(await get([['response_type', 'code'], ['client_id', confidential.clientId], ['redirect_uri', REDIRECT], ['redirect_uri', REDIRECT]]));
    });

    it('BR-1, BR-4: error pages carry the anti-framing, no-referrer and no-store headers', async () => {
      const response = await get({ client_id: 'nope' });
      expectPageHeaders(response);
    });
  });

  describe('other problems: redirected to the client with the error and the state', () => {
    async function expectRedirect(params: Record<string, string> | [string, string][], location: string): Promise<void> {
      const response = await get(params);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(location);
    }

    it('AZ-8: response_type missing', async () => {
      await expectRedirect({ client_id: confidential.clientId, state: 'st' }, errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'response_type is required', 'st'));
    });

    it('AZ-9: response_type unknown or combined', async () => {
      const expected = errorRedirect(server.config.issuer, REDIRECT, 'unsupported_response_type', 'response_type must be code, token, id_token or id_token token', 'st');
      await expectRedirect(codeRequest(confidential, { response_type: 'foo' }), expected);
      await expectRedirect(codeRequest(confidential, { response_type: 'code token' }), expected);
    });

    it('AZ-10: response_type=token for a client without implicit (fragment), code for an implicit-only client (query)', async () => {
      await expectRedirect(codeRequest(confidential, { response_type: 'token' }), errorRedirect(server.config.issuer, REDIRECT, 'unauthorized_client', 'the client is not registered for the implicit grant', 'st', 'fragment'));
      await expectRedirect(codeRequest(implicitClient), errorRedirect(server.config.issuer, REDIRECT, 'unauthorized_client', 'the client is not registered for the authorization_code grant', 'st'));
    });

    it('AZ-11: scopes not associated, unknown, or outside the scope-token grammar', async () => {
      const notAllowed = errorRedirect(server.config.issuer, REDIRECT, 'invalid_scope', 'the requested scope is not allowed for this client', 'st');
      await expectRedirect(codeRequest(publicClient, { scope: 'write', code_challenge: CHALLENGE, code_challenge_method: 'S256' }), notAllowed);
      await expectRedirect(codeRequest(confidential, { scope: 'read nope' }), notAllowed);
      const grammar = errorRedirect(server.config.issuer, REDIRECT, 'invalid_scope', 'scope is not a space-separated list of scope tokens', 'st');
      for (const scope of ['read\\', 'read"', 'read  write', ' read', 'réad']) await expectRedirect(codeRequest(confidential, { scope }), grammar);
    });

    it('AZ-12: any other repeated parameter is invalid_request', async () => {
      await expectRedirect(
        [['response_type', 'code'], ['client_id', confidential.clientId], ['scope', 'read'], ['scope', 'write'], ['state', 'st']],
        errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'parameters sent more than once: scope', 'st'),
      );
      await expectRedirect(
        [['response_type', 'code'], ['response_type', 'code'], ['client_id', confidential.clientId], ['state', 'st']],
        errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'parameters sent more than once: response_type', 'st'),
      );
    });

    it('AZ-13: unknown parameters are ignored, even repeated', async () => {
      await expectLoginPage(await get(codeRequest(confidential, { extra: 'foobar' })));
      await expectLoginPage(await get([['response_type', 'code'], ['client_id', confidential.clientId], ['extra', '1'], ['extra', '2']]));
    });

    it('AZ-15: a state over 4096 characters is refused, without echoing it', async () => {
      await expectRedirect(codeRequest(confidential, { state: 'a'.repeat(4097) }), errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'state must be at most 4096 characters'));
    });

    it('AZ-15: a 4096-character state comes back exactly', async () => {
      const state = `${'x'.repeat(4000)}&=#+/ é${'y'.repeat(89)}`;
      expect(state).toHaveLength(4096);
      const { location } = await authorizeThroughPages(server, authorizePath(codeRequest(confidential, { state })), TEST_ADMIN);
      codeFrom(location, REDIRECT, state);
    });

    it('IM-2: response_mode other than the default is refused, and a token never goes in the query', async () => {
      await expectRedirect(
        { response_type: 'token', response_mode: 'query', client_id: implicitClient.clientId, state: 'st' },
        errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'response_mode must be fragment for response_type token', 'st', 'fragment'),
      );
      await expectRedirect(codeRequest(confidential, { response_mode: 'form_post' }), errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'response_mode must be query for response_type code', 'st'));
      await expectLoginPage(await get({ response_type: 'token', response_mode: 'fragment', client_id: implicitClient.clientId }));
    });

    it('PK-1: a public client without code_challenge', async () => {
      await expectRedirect(codeRequest(publicClient), errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'public clients must use PKCE: code_challenge is required', 'st'));
    });

    it('PK-2: code_challenge_method=plain, or a challenge without a method', async () => {
      const expected = errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'code_challenge_method must be S256', 'st');
      await expectRedirect(codeRequest(publicClient, { code_challenge: CHALLENGE, code_challenge_method: 'plain' }), expected);
      await expectRedirect(codeRequest(publicClient, { code_challenge: CHALLENGE }), expected);
    });

    it('PK-3: an unknown method, or a method without a challenge', async () => {
      await expectRedirect(codeRequest(publicClient, { code_challenge: CHALLENGE, code_challenge_method: 'S512' }), errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'code_challenge_method must be S256', 'st'));
      await expectRedirect(codeRequest(confidential, { code_challenge_method: 'S256' }), errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'code_challenge is required when code_challenge_method is sent', 'st'));
    });

    it('PK-4: a challenge too short, too long, or with characters outside [A-Za-z0-9-._~]', async () => {
      const expected = errorRedirect(server.config.issuer, REDIRECT, 'invalid_request', 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]', 'st');
      for (const challenge of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}=`]) {
        await expectRedirect(codeRequest(publicClient, { code_challenge: challenge, code_challenge_method: 'S256' }), expected);
      }
      await expectLoginPage(await get(codeRequest(publicClient, { code_challenge: `${'a'.repeat(124)}-._~`, code_challenge_method: 'S256' })));
    });
  });

  describe('login and consent pages', () => {
    // prompt=consent: these tests are about the pages, and the admin's consent is remembered after the first.
    const start = async (browser: TestBrowser) => {
      const page = await browser.get(authorizePath(codeRequest(confidential, { scope: 'read', prompt: 'consent' })));
      expect(page.status).toBe(200);
      return { page, csrf: csrfOf(await page.text()) };
    };

    it('BR-1, BR-4: the login page cannot be framed and leaks no referrer; the cookie is HttpOnly, Lax, /oauth', async () => {
      const browser = new TestBrowser(server);
      const { page } = await start(browser);
      expectPageHeaders(page, "'self' https://app.example.com");
      const [cookie] = page.headers.getSetCookie();
      expect(cookie).toMatch(/^portcullis_authorize=[A-Za-z0-9_-]{43}; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=600$/);
    });

    it('shows the client as "Name (Version)" and the scopes on the consent page, with the same headers', async () => {
      const client = await createTestClient(server, { name: 'Billing App', scopes: ['read', 'x<b>'] });
      const browser = new TestBrowser(server);
      const login = await browser.get(authorizePath({ response_type: 'code', client_id: client.clientId }));
      const loginHtml = await login.text();
      expect(loginHtml).toContain('Billing App (1.0)');
      expect(loginHtml).toContain('<label for="username">Username</label>');
      expect(loginHtml).toContain('autofocus');
      await browser.post('/oauth/authorize/login', { csrf_token: csrfOf(loginHtml), ...TEST_ADMIN });
      const consent = await browser.get('/oauth/authorize/consent');
      expect(consent.status).toBe(200);
      expectPageHeaders(consent, "'self' https://app.example.com");
      const html = await consent.text();
      expect(html).toContain('Authorize Billing App (1.0)?');
      expect(html).toContain('<li><code>read</code></li><li><code>x&lt;b&gt;</code></li>');
      expect(html).toContain('value="allow"');
      expect(html).toContain('value="deny"');
    });

    it('BR-2: a successful login answers 303 (never 307) and moves the request to a new cookie', async () => {
      const browser = new TestBrowser(server);
      const { csrf } = await start(browser);
      const before = browser.cookies.get('portcullis_authorize');
      const response = await browser.post('/oauth/authorize/login', { csrf_token: csrf, ...TEST_ADMIN });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/oauth/authorize/consent');
      expectPageHeaders(response);
      expect(browser.cookies.get('portcullis_authorize')).not.toBe(before);
      const stale = await server.request('/oauth/authorize/consent', { headers: { cookie: `portcullis_authorize=${before}` } });
      await expectErrorPage(stale);
    });

    it('a wrong password, an unknown user and an inactive user get the same generic message', async () => {
      const created = await server.request('/admin/v1/users', { method: 'POST', json: { username: 'sleepy', password: 'sleepy-password', permissions: [] }, headers: { authorization: server.adminAuthorization } });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const patched = await server.request(`/admin/v1/users/${id}`, { method: 'PATCH', json: { active: false }, headers: { authorization: server.adminAuthorization } });
      expect(patched.status).toBe(200);
      for (const credentials of [{ username: TEST_ADMIN.username, password: 'wrong-password' }, { username: 'nobody', password: 'whatever-pass' }, { username: 'sleepy', password: 'sleepy-password' }]) {
        const browser = new TestBrowser(server);
        const { csrf } = await start(browser);
        const response = await browser.post('/oauth/authorize/login', { csrf_token: csrf, ...credentials });
        expect(response.status).toBe(401);
        expectPageHeaders(response, "'self' https://app.example.com");
        const html = await response.text();
        expect(html).toContain('<p class="alert" role="alert">Invalid username or password.</p>');
        expect(html).toContain(`value="${csrf}"`);
      }
    });

    it('BR-3: a login or consent post without the CSRF token, or with a wrong one, is refused with 403 and issues no code', async () => {
      const browser = new TestBrowser(server);
      const { csrf } = await start(browser);
      expect(await expectErrorPage(await browser.post('/oauth/authorize/login', { ...TEST_ADMIN }), 403)).toContain('Request refused');
      await expectErrorPage(await browser.post('/oauth/authorize/login', { csrf_token: `${csrf}x`, ...TEST_ADMIN }), 403);
      expect((await browser.post('/oauth/authorize/login', { csrf_token: csrf, ...TEST_ADMIN })).status).toBe(303);
      await expectErrorPage(await browser.post('/oauth/authorize/consent', { decision: 'allow' }), 403);
      await expectErrorPage(await browser.post('/oauth/authorize/consent', { decision: 'allow', csrf_token: 'forged' }), 403);
      // A cross-site post carries no cookie at all (SameSite=Lax): no pending request, no code.
      await expectErrorPage(await server.request('/oauth/authorize/consent', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${csrf}&decision=allow` }), 400);
      const consent = await browser.post('/oauth/authorize/consent', { decision: 'allow', csrf_token: csrf });
      expect(consent.status).toBe(303);
      expect(new URL(consent.headers.get('location')!).searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('a consent is acted on once: a second post finds no request', async () => {
      const browser = new TestBrowser(server);
      const { csrf } = await start(browser);
      await browser.post('/oauth/authorize/login', { csrf_token: csrf, ...TEST_ADMIN });
      const cookie = browser.cookies.get('portcullis_authorize');
      expect((await browser.post('/oauth/authorize/consent', { decision: 'allow', csrf_token: csrf })).status).toBe(303);
      const again = await server.request('/oauth/authorize/consent', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `portcullis_authorize=${cookie}` }, body: `csrf_token=${csrf}&decision=allow` });
      await expectErrorPage(again);
    });

    it('a consent post before logging in is refused', async () => {
      const browser = new TestBrowser(server);
      const { csrf } = await start(browser);
      await expectErrorPage(await browser.post('/oauth/authorize/consent', { decision: 'allow', csrf_token: csrf }), 403);
    });

    it('repeated login failures are throttled with a 429 page', async () => {
      const browser = new TestBrowser(server);
      const { csrf } = await start(browser);
      let last: Response | undefined;
      for (let attempt = 0; attempt < 11; attempt++) last = await browser.post('/oauth/authorize/login', { csrf_token: csrf, username: 'throttled', password: 'wrong-password' });
      expect(await expectErrorPage(last!, 429)).toContain('Too many failed sign-in attempts');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});

function expectPageHeaders(response: Response, formAction = "'self'"): void {
  expect(response.headers.get('content-security-policy')).toBe(`default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cache-control')).toBe('no-store');
}
