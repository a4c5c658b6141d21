import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, createTestClient, csrfOf, errorRedirect, patchClient, TestBrowser, type TestClient } from '../support/authorize-flow.helpers.js';

// Booting the app and driving the pages takes a while on a loaded CI machine.
jest.setTimeout(60_000);

const REDIRECT = 'https://app.example.com/callback';

/** What changes between the authorize request and the consent is checked again at the consent. */
describe('authorization requests that change while the user is on the pages', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function signedIn(client: TestClient, scope?: string): Promise<{ browser: TestBrowser; csrf: string }> {
    const browser = new TestBrowser(server);
    const page = await browser.get(authorizePath({ response_type: 'code', client_id: client.clientId, state: 'st', ...(scope ? { scope } : {}) }));
    const csrf = csrfOf(await page.text());
    expect((await browser.post('/oauth/authorize/login', { csrf_token: csrf, ...TEST_ADMIN })).status).toBe(303);
    return { browser, csrf };
  }

  async function codeCount(): Promise<number> {
    const client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM authorization_codes')).rows[0].n);
    } finally {
      await client.end();
    }
  }

  it('an expired pending request gives an error page and no code', async () => {
    const client = await createTestClient(server);
    const { browser, csrf } = await signedIn(client);
    const db = new pg.Client({ connectionString: server.database.url });
    await db.connect();
    await db.query("UPDATE authorization_requests SET expires_at = now() - interval '1 second'");
    await db.end();
    const response = await browser.post('/oauth/authorize/consent', { csrf_token: csrf, decision: 'allow' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('This sign-in request has expired or was already used.');
    expect(await codeCount()).toBe(0);
  });

  it('a client disabled after the login gets no code: an error page', async () => {
    const client = await createTestClient(server);
    const { browser, csrf } = await signedIn(client);
    await patchClient(server, client.clientId, { active: false });
    const response = await browser.post('/oauth/authorize/consent', { csrf_token: csrf, decision: 'allow' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('a scope disassociated before the consent ends in invalid_scope', async () => {
    const client = await createTestClient(server, { scopes: ['mid-a', 'mid-b'] });
    const { browser, csrf } = await signedIn(client, 'mid-a mid-b');
    const removed = await server.request(`/admin/v1/clients/${client.clientId}/scopes/mid-b`, { method: 'DELETE', headers: { authorization: server.adminAuthorization } });
    expect(removed.status).toBe(204);
    const response = await browser.post('/oauth/authorize/consent', { csrf_token: csrf, decision: 'allow' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(errorRedirect(server.config.issuer, REDIRECT, 'invalid_scope', 'the requested scope is no longer allowed for this client', 'st'));
  });
});

describe('cookies behind an https issuer', () => {
  let server: RunningAuthServer;

  beforeAll(async () => {
    server = await startTestAuthServer({ issuer: 'https://auth.example.com' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('are Secure', async () => {
    const client = await createTestClient(server);
    const browser = new TestBrowser(server);
    const page = await browser.get(authorizePath({ response_type: 'code', client_id: client.clientId }));
    expect(page.headers.getSetCookie()[0]).toMatch(/^portcullis_authorize=[A-Za-z0-9_-]{43}; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
    const login = await browser.post('/oauth/authorize/login', { csrf_token: csrfOf(await page.text()), ...TEST_ADMIN });
    expect(login.headers.getSetCookie()[0]).toMatch(/; Secure$/);
  });
});
