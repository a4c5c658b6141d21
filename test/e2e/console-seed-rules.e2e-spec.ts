import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Locator, Request } from 'playwright-core';
import { eventually } from '#testing';
import { adminOk, clientCredentialsToken, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { CONSOLE_STEP_TIMEOUT, describeInBrowser, startConsoleSession, type ConsoleSession } from '../support/console-session.js';

/** The browser's own function, used inside evaluate() (this program has no DOM library). */
declare const getComputedStyle: (element: unknown, pseudoElement: string) => { content: string };

/** Waits for the resource server to see a change (events travel in-process here); a wait, not a timing claim. */
const SYNC_WAIT_MS = 15_000;
const GLOBAL_LIFETIME = 1800;

interface ClientBody {
  clientId: string;
  scopes: string[];
  refreshCount: { mode: string; limit?: number };
}

/**
 * Issue 18 item 2 in the console: several scopes associated in one request, a scope's page that
 * associates and disassociates clients (and says what happens to issued tokens, which the resource
 * server is then seen to do), "Use global setting <…>", required fields marked, and an empty
 * refresh limit saved as "no refresh token".
 */
describeInBrowser()('console: the seed rules', () => {
  let session: ConsoleSession;
  let seedApp: StackClient;
  let otherApp: StackClient;

  const get = <T>(path: string) => adminOk<T>(session.as, 'GET', path);
  /** The red * console.css draws after a required field's label or legend (generated content: not in the label's text). */
  const markAfter = (element: Locator) => element.evaluate((node) => getComputedStyle(node, '::after').content.includes('*'));
  const apiReports = async (token: string) => (await session.rs.request('/api/reports', { token })).status;

  beforeAll(async () => {
    session = await startConsoleSession();
    for (const name of ['reports.read', 'reports.write']) {
      const found = await session.as.request(`/admin/v1/scopes/${name}`, { headers: { authorization: session.as.adminAuthorization } });
      if (found.status === 404) await adminOk(session.as, 'POST', '/admin/v1/scopes', { name, description: `The demo API: ${name}` });
    }
    const client = (name: string) => adminOk<StackClient>(session.as, 'POST', '/admin/v1/clients', { name, version: '1.0', type: 'confidential', grants: ['client_credentials'] });
    seedApp = await client('Seed App');
    otherApp = await client('Other App');
    await adminOk(session.as, 'PATCH', '/admin/v1/settings', { accessTokenLifetimeSeconds: GLOBAL_LIFETIME });
  }, CONSOLE_STEP_TIMEOUT);

  afterAll(async () => {
    await session?.close();
  }, CONSOLE_STEP_TIMEOUT);

  it(
    'associates several existing scopes in one request, and the resource server learns them',
    async () => {
      const { page } = session;
      const writes: Request[] = [];
      const record = (request: Request) => request.method() !== 'GET' && request.url().includes('/admin/v1/') && writes.push(request);
      await session.go(`#/clients/${seedApp.clientId}/scopes`, 'Associate Scopes with Seed App (1.0)');
      page.on('request', record);
      try {
        await page.getByRole('checkbox', { name: /reports\.read/ }).check();
        await page.getByRole('checkbox', { name: /reports\.write/ }).check();
        await page.getByRole('button', { name: 'Associate 2 scopes' }).click();
        await page.getByText('Scopes reports.read, reports.write associated.').waitFor();
      } finally {
        page.off('request', record);
      }
      expect(writes.map((request) => [request.method(), new URL(request.url()).pathname, request.postDataJSON()])).toEqual([
        ['PATCH', `/admin/v1/clients/${seedApp.clientId}/scopes`, { associate: ['reports.read', 'reports.write'] }],
      ]);
      await page.getByRole('button', { name: 'Disassociate reports.write' }).waitFor();
      await session.shot('associate-scopes-several');
      expect((await get<ClientBody>(`/admin/v1/clients/${seedApp.clientId}`)).scopes.sort()).toEqual(['reports.read', 'reports.write']);

      const token = await clientCredentialsToken(session.as, seedApp, 'reports.read');
      await eventually(async () => (await apiReports(token)) === 200, SYNC_WAIT_MS, 'the resource server to admit the new association');
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    "lists a scope's clients on its page and associates one from there",
    async () => {
      const { page } = session;
      await session.go('#/scopes', 'Scopes');
      await page.getByRole('link', { name: 'reports.read', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Scope reports.read' }).waitFor();
      const clients = page.getByRole('table', { name: 'Clients associated with reports.read' });
      await clients.getByRole('link', { name: 'Seed App (1.0)' }).waitFor();
      expect(await clients.getByRole('link', { name: 'Other App (1.0)' }).count()).toBe(0);

      await page.getByLabel('Client').selectOption(otherApp.clientId);
      await page.getByRole('button', { name: 'Associate', exact: true }).click();
      await page.getByText('Other App (1.0) may now ask for reports.read.').waitFor();
      await clients.getByRole('link', { name: 'Other App (1.0)' }).waitFor();
      await session.shot('scope-clients');
      const listed = await get<{ items: { clientId: string }[] }>('/admin/v1/scopes/reports.read/clients');
      expect(listed.items.map((client) => client.clientId).sort()).toEqual([seedApp.clientId, otherApp.clientId].sort());
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'disassociates from the scope page after saying what happens to issued tokens, and the servers do just that',
    async () => {
      const { page } = session;
      const token = await clientCredentialsToken(session.as, seedApp, 'reports.read reports.write');
      await eventually(async () => (await apiReports(token)) === 200, SYNC_WAIT_MS, 'the token to be admitted');

      await session.go('#/scopes/reports.read', 'Scope reports.read');
      await page.getByRole('button', { name: 'Disassociate Seed App (1.0)' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const said = await dialog.textContent();
      expect(said).toContain('Tokens already issued stop granting it within about a second: resource servers refuse it (403 insufficient_scope), introspection leaves it out, and a refresh drops it.');
      expect(said).toContain('Those tokens are not revoked: until they expire, their other scopes keep working');
      expect(said).toContain('associating reports.read again gives it back to them');
      await session.confirm('Disassociate');
      await page.getByText('reports.read disassociated from Seed App (1.0).').waitFor();
      expect((await get<ClientBody>(`/admin/v1/clients/${seedApp.clientId}`)).scopes).toEqual(['reports.write']);

      // What the dialog said: the scope stops counting, the token is not revoked, its other scope works.
      await eventually(async () => (await apiReports(token)) === 403, SYNC_WAIT_MS, 'the resource server to drop reports.read');
      const me = await session.rs.request('/api/me', { token });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { scopes: string[] }).scopes).toEqual(['reports.write']);
      const introspected = await session.as.request('/oauth/introspect', {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${seedApp.clientId}:${seedApp.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(await introspected.json()).toMatchObject({ active: true, scope: 'reports.write' });

      // And associating it again (the multi-select, one scope) gives it back to the same token.
      await session.go(`#/clients/${seedApp.clientId}/scopes`, 'Associate Scopes with Seed App (1.0)');
      await page.getByRole('checkbox', { name: /reports\.read/ }).check();
      await page.getByRole('button', { name: 'Associate', exact: true }).click();
      await page.getByText('Scope reports.read associated.').waitFor();
      await eventually(async () => (await apiReports(token)) === 200, SYNC_WAIT_MS, 'the resource server to count reports.read again');
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'shows the global access-token lifetime in the "Use global setting" option',
    async () => {
      const { page } = session;
      await session.go('#/clients/new', 'Add New Client');
      const option = page.getByRole('radio', { name: `Use global setting <${GLOBAL_LIFETIME} seconds>` });
      await option.waitFor();
      expect(await option.isChecked()).toBe(true);
      await session.go(`#/clients/${seedApp.clientId}`, 'Edit Client Seed App (1.0)');
      await page.getByRole('radio', { name: `Use global setting <${GLOBAL_LIFETIME} seconds>` }).waitFor();
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'saves an empty refresh limit as "no refresh token", and shows it as such',
    async () => {
      const { page } = session;
      await session.go('#/clients/new', 'Add New Client');
      await page.getByLabel('Name', { exact: true }).fill('No Refresh App');
      await page.getByLabel('Version').fill('1.0');
      await page.getByLabel('Redirection URL 1').fill('https://app.example.com/callback');
      await page.getByRole('radio', { name: 'Unlimited' }).check();
      await page.getByRole('radio', { name: 'Limited', exact: true }).check();
      const limit = page.getByLabel('Number of refreshes');
      expect(await limit.inputValue()).toBe('');
      await page.getByText('No refresh token: the client gets access tokens only.').waitFor();
      await page.getByRole('button', { name: 'Create Client' }).click();
      await page.getByRole('heading', { level: 1, name: 'Client created' }).waitFor();
      const clientId = new URL(page.url()).hash.split('/')[2];
      expect((await get<ClientBody>(`/admin/v1/clients/${clientId}`)).refreshCount).toEqual({ mode: 'limited', limit: 0 });

      // An edit from a real limit back to an empty field saves "none" too.
      await adminOk(session.as, 'PATCH', `/admin/v1/clients/${clientId}`, { refreshCount: { mode: 'limited', limit: 5 } });
      await session.go(`#/clients/${clientId}`, 'Edit Client No Refresh App (1.0)');
      expect(await page.getByLabel('Number of refreshes').inputValue()).toBe('5');
      await page.getByLabel('Number of refreshes').fill('');
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.getByText('Changes saved.').waitFor();
      expect((await get<ClientBody>(`/admin/v1/clients/${clientId}`)).refreshCount).toEqual({ mode: 'limited', limit: 0 });
      await session.go(`#/clients/${clientId}`, 'Edit Client No Refresh App (1.0)');
      expect(await page.getByLabel('Number of refreshes').inputValue()).toBe('');
      await page.getByText('No refresh token: the client gets access tokens only.').waitFor();
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'marks required fields on every form, visibly and for assistive technology',
    async () => {
      const { page } = session;
      const pages: [string, string | RegExp, string[]][] = [
        ['#/clients/new', 'Add New Client', ['Name', 'Version']],
        [`#/clients/${seedApp.clientId}/scopes`, 'Associate Scopes with Seed App (1.0)', ['Scope name']],
        ['#/scopes', 'Scopes', ['Scope name']],
        ['#/scopes/reports.write', 'Scope reports.write', ['Client']],
        ['#/settings', 'OAuth Settings', ['Access token lifetime (seconds)', 'Access token audience']],
        ['#/users', 'Users', ['Username', 'Password']],
        ['#/resources', 'Resources', ['Identifier']],
      ];
      for (const [hash, heading, known] of pages) {
        await session.go(hash, heading);
        // Every required control shows the mark after its label or its group's legend, and the page explains the mark.
        const unmarked = await page.locator('main').evaluate((main) =>
          [...main.querySelectorAll('input[required], select[required], textarea[required]')]
            .filter((control) => {
              const label = control.id ? main.querySelector(`label[for="${control.id}"]`) : null;
              const legend = control.closest('fieldset')?.querySelector(':scope > legend');
              return ![label, legend].some((element) => element && getComputedStyle(element, '::after').content.includes('*'));
            })
            .map((control) => control.id || control.getAttribute('name')),
        );
        expect({ hash, unmarked }).toEqual({ hash, unmarked: [] });
        await page.getByText('Fields marked * are required.').first().waitFor();
        for (const label of known) {
          const control = page.getByLabel(label, { exact: true }).first();
          expect({ hash, label, required: await control.evaluate((element) => (element as unknown as { required: boolean }).required) }).toEqual({ hash, label, required: true });
          expect({ hash, label, mark: await markAfter(page.locator(`label[for="${await control.getAttribute('id')}"]`)) }).toEqual({ hash, label, mark: true });
        }
      }
      await session.go('#/clients/new', 'Add New Client');
      for (const legend of ['Type', 'Redirection URLs', 'Allowed Grants']) {
        expect({ legend, mark: await markAfter(page.locator('legend', { hasText: legend })) }).toEqual({ legend, mark: true });
      }
      expect(await markAfter(page.locator('label', { hasText: 'Description' }).first())).toBe(false);
      expect(await page.getByLabel('Redirection URL 1').getAttribute('aria-required')).toBe('true');
      // Redirection URLs are required only by the grants that redirect.
      await page.getByRole('checkbox', { name: 'Authorization Code' }).uncheck();
      await page.getByRole('checkbox', { name: 'Client Credentials' }).check();
      expect(await markAfter(page.locator('legend', { hasText: 'Redirection URLs' }))).toBe(false);
      expect(await page.getByLabel('Redirection URL 1').getAttribute('aria-required')).toBeNull();
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT,
  );
});
