import { describe } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { InProcessEventBus } from '#sync';
import { TEST_RESOURCE_CLIENT } from '#testing';
import { startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { chromiumAvailable, CHROMIUM, launchBrowser, type Browser } from './browser.js';

export const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');
export const CONSOLE_STEP_TIMEOUT = 120_000;

/**
 * `describe` for a suite that drives the console in Debian's Chromium: in CI (.ci/run sets
 * CONSOLE_BROWSER_TESTS=required) it must run; elsewhere it skips without Chromium.
 */
export function describeInBrowser(): typeof describe | typeof describe.skip {
  const required = process.env.CONSOLE_BROWSER_TESTS === 'required' || Boolean(process.env.CI);
  if (!chromiumAvailable()) {
    console.warn(`console browser tests: ${CHROMIUM} not found${required ? '' : ', skipping them (apt-get install chromium to run them)'}`);
  }
  return chromiumAvailable() || required ? describe : describe.skip;
}

/** A free port, so that the issuer URL (and the console's redirect URI) is known before start. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ConsoleSession {
  as: RunningAuthServer;
  rs: RunningResourceServer;
  browser: Browser;
  page: Page;
  /** Script errors, console errors and 4xx/5xx responses the page saw. */
  pageErrors: string[];
  /** Uncaught script errors only: none may happen. */
  scriptErrors: string[];
  /** Opens a console page by its address (a full load) and waits for its level-1 heading. */
  go(hash: string, heading: string | RegExp): Promise<void>;
  /** Clicks a button of the open dialog. */
  confirm(label: string): Promise<void>;
  /** A screenshot into docs/screenshots/<name>.png. */
  shot(name: string, fullPage?: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface ConsoleSessionOptions {
  /** Extra auth-server environment. */
  env?: Record<string, string>;
}

/**
 * Both servers (in-process events) and a browser signed in to the console as the initial admin
 * through the real login and consent pages; the page is left on the console's landing page.
 */
export async function startConsoleSession(options: ConsoleSessionOptions = {}): Promise<ConsoleSession> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const [asPort, rsPort] = [await freePort(), await freePort()];
  const bus = new InProcessEventBus();
  const audience = `http://127.0.0.1:${rsPort}`;
  const as = await startTestAuthServer(
    { port: asPort, resourceClient: TEST_RESOURCE_CLIENT, syncEventBus: bus },
    { AUTH_ISSUER: `http://127.0.0.1:${asPort}`, RESOURCE_AUDIENCE: audience, ...options.env },
  );
  const rs = await startTestResourceServer({ issuer: as.baseUrl, bus, overrides: { port: rsPort }, env: { RESOURCE_AUDIENCE: audience } });
  await rs.waitUntilReady();
  const browser = await launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  const scriptErrors: string[] = [];
  page.on('pageerror', (error) => {
    pageErrors.push(String(error));
    scriptErrors.push(String(error));
  });
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  page.on('response', (response) => response.status() >= 400 && pageErrors.push(`${response.status()} ${response.request().method()} ${response.url()}`));

  await page.goto(`${as.baseUrl}/console`);
  await page.waitForURL(/\/oauth\/authorize/);
  await page.getByLabel('Username').fill(TEST_ADMIN.username);
  await page.getByLabel('Password').fill(TEST_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(/\/console#\//);

  return {
    as,
    rs,
    browser,
    page,
    pageErrors,
    scriptErrors,
    async go(hash, heading) {
      await page.goto('about:blank');
      await page.goto(`${as.baseUrl}/console${hash}`);
      try {
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      } catch (error) {
        const shows = await page
          .locator('main')
          .innerText()
          .catch(() => '');
        throw new Error(`${String(error)}\npage shows: ${shows}\npage errors: ${pageErrors.join('\n')}`);
      }
    },
    async confirm(label) {
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: label }).click();
    },
    async shot(name, fullPage = true) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
    },
    async close() {
      await browser.close();
      await rs.close();
      await as.close();
    },
  };
}
