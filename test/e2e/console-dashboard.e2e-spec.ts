import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually } from '#testing';
import { CONSOLE_STEP_TIMEOUT, describeInBrowser, startConsoleSession, type ConsoleSession } from '../support/console-session.js';

/** Issue 18 item 4: the dashboard is the console's landing page, and its charts follow the traffic. */
describeInBrowser()('console dashboard', () => {
  let session: ConsoleSession;
  let client: { clientId: string; clientSecret: string };

  const figure = (name: string) => session.page.locator(`figure[data-chart="${name}"]`);
  const totalOf = async (name: string) => Number(await figure(name).getAttribute('data-total'));

  /** Waits until the figure's total (what its chart draws, summed) reaches `atLeast`. */
  async function untilTotal(name: string, atLeast: number): Promise<void> {
    // Read from here: the console's CSP forbids the string evaluation a page-side wait would need.
    await eventually(async () => (await figure(name).count()) > 0 && (await totalOf(name)) >= atLeast, 30_000, `the ${name} chart to reach ${atLeast}`);
  }

  function token(secret: string): Promise<Response> {
    return fetch(`${session.as.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
  }

  beforeAll(async () => {
    session = await startConsoleSession();
    const created = await session.as.request('/admin/v1/clients', {
      method: 'POST',
      headers: { authorization: session.as.adminAuthorization },
      json: { name: 'Dashboard Demo', version: '1.0', type: 'confidential', grants: ['client_credentials'], redirectUris: [] },
    });
    expect(created.status).toBe(201);
    client = (await created.json()) as { clientId: string; clientSecret: string };
  }, CONSOLE_STEP_TIMEOUT);

  afterAll(async () => {
    await session?.close();
  }, CONSOLE_STEP_TIMEOUT);

  it(
    'is the landing page, first in the navigation',
    async () => {
      const { page } = session;
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#/dashboard');
      const first = page.getByRole('navigation', { name: 'Main' }).getByRole('link').first();
      expect(await first.textContent()).toBe('Dashboard');
      expect(await first.getAttribute('aria-current')).toBe('page');
      await figure('tokens').locator('canvas').first().waitFor();
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'moves its token chart when tokens are issued',
    async () => {
      const before = await totalOf('tokens');
      const pixelsBefore = await figure('tokens').locator('.chart-canvas').screenshot();
      for (let i = 0; i < 3; i++) expect((await token(client.clientSecret)).status).toBe(200);
      // The console's own sign-in and token refreshes count too (authorization_code, refresh_token): only this client uses client_credentials.
      await untilTotal('tokens', before + 3);
      await figure('tokens').getByText('client_credentials: 3').waitFor();
      expect((await figure('tokens').locator('.chart-canvas').screenshot()).equals(pixelsBefore)).toBe(false);
      expect(Number(await session.page.locator('[data-figure="tokens"]').textContent())).toBeGreaterThanOrEqual(before + 3);
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'counts refusals by reason at the authorization server and at the resource server',
    async () => {
      const refusedBefore = await totalOf('refusals');
      expect((await token('not-the-secret')).status).toBe(401);
      await untilTotal('refusals', refusedBefore + 1);
      await figure('refusals').getByText('invalid_client: 1').waitFor();

      await figure('rs-refusals').locator('canvas').first().waitFor();
      const rsBefore = await totalOf('rs-refusals');
      expect((await fetch(`${session.rs.baseUrl}/api/me`)).status).toBe(401);
      expect((await fetch(`${session.rs.baseUrl}/api/me`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
      await untilTotal('rs-refusals', rsBefore + 2);
      await figure('rs-refusals').getByText(/^no_token: \d+$/).waitFor();
      await figure('rs-refusals').getByText(/^invalid_token: \d+$/).waitFor();
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'shows the resource server in sync, the top clients and the latest audit events',
    async () => {
      const { page } = session;
      await page.getByRole('cell', { name: 'In sync' }).first().waitFor();
      await page.getByRole('link', { name: 'Dashboard Demo (1.0)' }).waitFor();
      await page.getByRole('cell', { name: 'client.created' }).first().waitFor();
      expect(session.scriptErrors).toEqual([]);
      await session.shot('dashboard');
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'fits a phone-width screen without sideways scrolling',
    async () => {
      const { page } = session;
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await session.go('#/dashboard', 'Dashboard');
        await figure('tokens').locator('canvas').first().waitFor();
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await session.shot('dashboard-narrow', false);
      } finally {
        await page.setViewportSize({ width: 1280, height: 860 });
      }
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    "shows the client's token sparkline on its page",
    async () => {
      await session.go(`#/clients/${client.clientId}`, 'Edit Client Dashboard Demo (1.0)');
      const sparkline = figure('client-activity');
      await sparkline.locator('canvas').first().waitFor();
      await untilTotal('client-activity', 3);
      expect(await totalOf('client-activity')).toBe(3);
      await sparkline.getByText('Tokens issued in the last hour: 3').waitFor();
      expect((await token(client.clientSecret)).status).toBe(200);
      await untilTotal('client-activity', 4);
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT,
  );
});
