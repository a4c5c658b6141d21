import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import * as openid from 'openid-client';
import { eventually, freePort } from '#testing';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { createTestClient, type TestClient } from '../../apps/auth-server/test/support/authorize-flow.helpers.js';
import { chromiumAvailable, CHROMIUM, launchBrowser, type Browser } from '../support/browser.js';

jest.setTimeout(90_000);

const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');

/**
 * Sessions in a real browser (Debian's Chromium): the cookie as Chromium keeps it, single sign-on
 * across two clients, prompt=login, prompt=none with and without a session, max_age=1 and
 * logout with and without an id_token_hint. openid-client is the relying party; the client's
 * redirect URIs are answered by a stub server so the browser stops there.
 */
describe('OpenID Connect sessions in Chromium', () => {
  if (!chromiumAvailable()) throw new Error(`Chromium is required at ${CHROMIUM} (apt-get install chromium)`);
  let server: RunningAuthServer;
  let browser: Browser;
  let page: Page;
  let app: Server;
  let appOrigin = '';
  let REDIRECT = '';
  let AFTER_LOGOUT = '';
  const clients: { registered: TestClient; config: openid.Configuration }[] = [];

  beforeAll(async () => {
    // The relying party's pages: a stub, so the browser stops at the redirect.
    const appPort = await freePort();
    app = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Back at the app</h1>'));
    await new Promise<void>((resolve) => app.listen(appPort, '127.0.0.1', resolve));
    appOrigin = `http://127.0.0.1:${appPort}`;
    REDIRECT = `${appOrigin}/callback`;
    AFTER_LOGOUT = `${appOrigin}/signed-out`;
    const port = await freePort();
    server = await startTestAuthServer({ port, issuer: `http://127.0.0.1:${port}` });
    for (const name of ['Mail', 'Calendar']) {
      const registered = await createTestClient(server, { name, type: 'public', redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      const patched = await server.request(`/admin/v1/clients/${registered.clientId}`, { method: 'PATCH', json: { postLogoutRedirectUris: [AFTER_LOGOUT] }, headers: { authorization: server.adminAuthorization } });
      expect(patched.status).toBe(200);
      const config = await openid.discovery(new URL(server.config.issuer), registered.clientId, {}, openid.None(), { execute: [openid.allowInsecureRequests] });
      clients.push({ registered, config });
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => app?.close(resolve));
  });

  /** Opens the client's authorization URL; the openid-client request to finish it with. */
  async function open(index: number, params: Record<string, string> = {}) {
    const { config } = clients[index];
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const url = openid.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid read', state, code_challenge: await openid.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params });
    await page.goto(url.href);
    return { config, verifier, state };
  }

  async function backAtApp(): Promise<URL> {
    await page.waitForURL((url) => url.origin === appOrigin);
    return new URL(page.url());
  }

  async function finish(request: { config: openid.Configuration; verifier: string; state: string }) {
    return openid.authorizationCodeGrant(request.config, await backAtApp(), { pkceCodeVerifier: request.verifier, expectedState: request.state, idTokenExpected: true });
  }

  async function signInOnPage(user: { username: string; password: string } = TEST_ADMIN, on: Page = page): Promise<void> {
    await on.getByLabel('Username').fill(user.username);
    await on.getByLabel('Password').fill(user.password);
    await on.getByRole('button', { name: 'Sign in' }).click();
  }

  it('prompt=none without a session: login_required back at the app', async () => {
    await open(0, { prompt: 'none' });
    const url = await backAtApp();
    expect(url.searchParams.get('error')).toBe('login_required');
  });

  it('signs in once; the second client needs no login; prompt=none then answers with a code', async () => {
    const first = await open(0);
    await signInOnPage();
    await page.getByRole('button', { name: 'Allow' }).click();
    const firstTokens = await finish(first);
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'portcullis_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const second = await open(1);
    await page.getByRole('heading', { name: /Authorize Calendar/ }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    await page.getByRole('button', { name: 'Allow' }).click();
    const secondTokens = await finish(second);
    expect(secondTokens.claims()!.auth_time).toBe(firstTokens.claims()!.auth_time);

    const silent = await open(1, { prompt: 'none' });
    expect((await finish(silent)).claims()!.sub).toBe(TEST_ADMIN.username);
  });

  it('prompt=login shows the login page despite the session; max_age=1 once a second has passed', async () => {
    await open(0, { prompt: 'login' });
    await page.getByLabel('Password').waitFor();
    const before = (await browser.context.cookies()).find((c) => c.name === 'portcullis_session')!.value;
    await signInOnPage();
    await backAtApp();
    const after = (await browser.context.cookies()).find((c) => c.name === 'portcullis_session')!.value;
    expect(after).not.toBe(before);
    const signedInAt = Date.now();
    await eventually(() => Date.now() - signedInAt > 2000, 5000, 'two seconds after the login');
    await open(0, { max_age: '1' });
    await page.getByLabel('Password').waitFor();
  });

  it('logout with an id_token_hint returns to the app with state; without one, a confirmation first', async () => {
    const request = await open(0, { prompt: 'login' });
    await signInOnPage();
    const tokens = await finish(request);
    await page.goto(openid.buildEndSessionUrl(clients[0].config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' }).href);
    const back = await backAtApp();
    expect(`${back.origin}${back.pathname}?${back.searchParams}`).toBe(`${AFTER_LOGOUT}?state=bye`);
    await open(0, { prompt: 'none' });
    expect((await backAtApp()).searchParams.get('error')).toBe('login_required');

    await open(0);
    await signInOnPage();
    await backAtApp();
    await page.goto(`${server.config.issuer}/oauth/logout`);
    await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await open(1, { prompt: 'none' });
    expect((await backAtApp()).searchParams.get('error')).toBe('login_required');
  });

  it('the console lists the session and consent of a user, ends the session (the next authorize asks for a login) and withdraws the consent (its tokens refused)', async () => {
    const carol = { username: 'carol', password: 'carol-password-1' };
    const created = await server.request('/admin/v1/users', { method: 'POST', json: { ...carol, permissions: [] }, headers: { authorization: server.adminAuthorization } });
    expect(created.status).toBe(201);
    // The admin signs in to the console in a tab of its own; the console keeps its tokens in that tab.
    const consolePage = await browser.context.newPage();
    await consolePage.goto(`${server.config.issuer}/console`);
    await signInOnPage(TEST_ADMIN, consolePage);
    await consolePage.getByRole('button', { name: 'Allow' }).click();
    await consolePage.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    // Carol signs in to Mail in the other tab (a new session: the admin's browser session ends) and allows it.
    const request = await open(0, { prompt: 'login' });
    await signInOnPage(carol);
    await page.getByRole('button', { name: 'Allow' }).click();
    const tokens = await finish(request);
    expect((await openid.fetchUserInfo(request.config, tokens.access_token, carol.username)).sub).toBe(carol.username);

    await consolePage.getByRole('link', { name: 'Users', exact: true }).click();
    await consolePage.getByRole('link', { name: 'Sessions and consents of carol' }).click();
    await consolePage.getByRole('heading', { level: 1, name: 'Sessions and consents of carol' }).waitFor();
    const sessions = consolePage.getByRole('table', { name: 'Sessions' });
    const consents = consolePage.getByRole('table', { name: 'Consents' });
    await sessions.getByRole('button', { name: 'End session' }).waitFor();
    expect(await sessions.getByRole('row').count()).toBe(2);
    await consents.getByRole('cell', { name: clients[0].registered.clientId, exact: true }).waitFor();
    expect(await consents.getByRole('cell', { name: 'openid read', exact: true }).count()).toBe(1);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await consolePage.screenshot({ path: join(SCREENSHOTS, 'user-sessions.png'), fullPage: true });

    await sessions.getByRole('button', { name: 'End session' }).click();
    await consolePage.getByRole('dialog').getByRole('button', { name: 'End session' }).click();
    await consolePage.getByText('No active session.').waitFor();
    // The browser still holds the cookie, but its session is gone: prompt=none is login_required, and a plain request shows the login page.
    await open(0, { prompt: 'none' });
    expect((await backAtApp()).searchParams.get('error')).toBe('login_required');
    await open(0);
    await page.getByLabel('Password').waitFor();

    await consents.getByRole('button', { name: `Withdraw consent for ${clients[0].registered.clientId}` }).click();
    await consolePage.getByRole('dialog').getByRole('button', { name: 'Withdraw consent' }).click();
    await consolePage.getByText('No consent given.').waitFor();
    const userinfo = await fetch(`${server.config.issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    await consolePage.close();
  });
});
