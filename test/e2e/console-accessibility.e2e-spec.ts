import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { expectNoSeriousViolations } from '../support/axe.js';
import { CONSOLE_STEP_TIMEOUT, describeInBrowser, startConsoleSession, type ConsoleSession } from '../support/console-session.js';

const DESKTOP = { width: 1280, height: 860 };
/** An iPhone SE / mini: the narrowest screen the console is made for. */
const PHONE = { width: 375, height: 740 };
/** The navigation's first-wave pages; pages added later are found in the navigation itself. */
const NAV_LABELS = ['Dashboard', 'Client Registration', 'Scopes', 'Resources', 'Token Management', 'Device Requests', 'OAuth Settings', 'Users', 'Signing Keys', 'Audit Trail', 'Resource Server'];

interface ConsolePage {
  hash: string;
  heading: string | RegExp;
}

/** What the focused element looks like: its name, and whether its focus ring shows and stands out. */
interface FocusState {
  tag: string;
  name: string;
  focusVisible: boolean;
  inViewport: boolean;
  outlineWidth: number;
  /** Contrast of the ring against the background behind it (WCAG 1.4.11 wants 3:1). */
  ringContrast: number;
  inDialog: boolean;
}

/** A layout-shift performance entry (the Layout Instability API). */
interface LayoutShift {
  value: number;
  hadRecentInput: boolean;
}

// The functions given to evaluate() run in the page. The tests compile without the DOM library, so
// they reach the page's globals from the element they are given (root.ownerDocument.defaultView).

function focusState(page: Page): Promise<FocusState> {
  return page.locator('html').evaluate((root) => {
    const document = root.ownerDocument;
    const window = document.defaultView;
    const element = document.activeElement;
    const rgb = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number => {
      const [R, G, B] = [r, g, b].map((channel) => {
        const c = channel / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    // The ring is drawn just outside the element (outline-offset): what shows there is the first
    // opaque background of what lies under a point just above it (below it at the top of the screen).
    const box = element.getBoundingClientRect();
    const y = box.top - 4 >= 0 ? box.top - 4 : box.bottom + 4;
    let behind = document.elementsFromPoint(box.left + box.width / 2, y).find((under: unknown) => under !== element && !element.contains(under)) ?? null;
    let background = 'rgb(255, 255, 255)';
    while (behind) {
      const color = window.getComputedStyle(behind).backgroundColor;
      const parts = rgb(color);
      if (parts.length === 3 || (parts.length === 4 && parts[3] === 1)) {
        background = color;
        break;
      }
      behind = behind.parentElement;
    }
    const style = window.getComputedStyle(element);
    const [ring, back] = [luminance(rgb(style.outlineColor)), luminance(rgb(background))];
    return {
      tag: element.tagName.toLowerCase(),
      name: (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().replace(/\s+/g, ' '),
      focusVisible: element.matches(':focus-visible'),
      inViewport: box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth,
      outlineWidth: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
      ringContrast: (Math.max(ring, back) + 0.05) / (Math.min(ring, back) + 0.05),
      inDialog: Boolean(element.closest('dialog')),
    };
  });
}

function expectVisibleFocus(state: FocusState): void {
  expect({ name: state.name, focusVisible: state.focusVisible, inViewport: state.inViewport }).toEqual({ name: state.name, focusVisible: true, inViewport: true });
  expect(state.outlineWidth).toBeGreaterThanOrEqual(2);
  expect(state.ringContrast).toBeGreaterThanOrEqual(3);
}

/** Tab once and report where the focus went. */
async function tab(page: Page, shift = false): Promise<FocusState> {
  await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
  return focusState(page);
}

/**
 * Where the focus is once it has landed. The console moves it in an effect, after the render that
 * shows the new heading or takes the dialog away (PageHeading, ConfirmDialog), so for a moment it
 * can still be on the document's body. Waits up to 5 s for it to leave the body, then reports it
 * wherever it is: a focus that never arrives still fails the caller's assertion.
 */
async function settledFocus(page: Page): Promise<FocusState> {
  const root = await page.locator('html').elementHandle();
  await page.waitForFunction((html) => html.ownerDocument.activeElement !== html.ownerDocument.body, root, { timeout: 5000 }).catch(() => undefined);
  await root?.dispose();
  return focusState(page);
}

/** Resolves once no list of the page is loading any more. */
async function loaded(page: Page): Promise<void> {
  // A function, not a string: polling a string needs eval, which the console's CSP refuses.
  const root = await page.locator('html').elementHandle();
  await page.waitForFunction((html) => !html.ownerDocument.querySelector('main .loading'), root);
  await root?.dispose();
}

/** The page is no wider than the screen: nothing to scroll sideways (tables reflow, forms fit). */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const widths = (await page.evaluate('({ page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth })')) as { page: number; screen: number };
  expect({ what, fits: widths.page <= widths.screen, ...widths }).toEqual({ what, fits: true, ...widths });
}

/** An empty list's state: its title, and a second line saying what to do next. */
async function expectEmptyState(scope: Locator, title: string, next: RegExp): Promise<void> {
  const state = scope.locator('.empty-state').filter({ hasText: title });
  await state.waitFor();
  expect(await state.locator('.empty-state-title').textContent()).toBe(title);
  expect(await state.locator('p').nth(1).textContent()).toMatch(next);
}

describeInBrowser()('console accessibility', () => {
  let session: ConsoleSession;
  let page: Page;
  let adminId: string;
  let clientId: string;
  let emptyUserId: string;

  async function adminApi<T>(method: string, path: string, json?: unknown): Promise<T> {
    const response = await session.as.request(`/admin/v1${path}`, { method, headers: { authorization: session.as.adminAuthorization }, json });
    expect(`${method} ${path}: ${response.status}`).toMatch(/: 20\d$/);
    return (response.status === 204 ? null : await response.json()) as T;
  }

  /** The navigation's links as [address, label], read from the page (on any console page). */
  async function navigation(): Promise<[string, string][]> {
    // Folded behind Menu on a phone: hidden, and listed all the same.
    const links = page.getByRole('navigation', { name: 'Main', includeHidden: true }).getByRole('link', { includeHidden: true });
    const found: [string, string][] = [];
    for (const link of await links.all()) found.push([(await link.getAttribute('href')) ?? '', ((await link.textContent()) ?? '').trim()]);
    return found;
  }

  /**
   * Every page of the console (with data after the seeding test): each page of the navigation,
   * whatever its heading, and the pages reached from them.
   */
  async function everyPage(): Promise<ConsolePage[]> {
    await session.go('#/clients', 'Client Registration');
    const listed = await navigation();
    expect(listed.map(([, label]) => label)).toEqual(expect.arrayContaining(NAV_LABELS));
    return [
      ...listed.map(([hash]) => ({ hash, heading: /\S/ })),
      { hash: '#/clients/new', heading: 'Add New Client' },
      { hash: `#/clients/${clientId}`, heading: 'Edit Client Ledger (2.0)' },
      { hash: `#/clients/${clientId}/scopes`, heading: 'Associate Scopes with Ledger (2.0)' },
      { hash: `#/users/${adminId}/sessions`, heading: 'Sessions and consents of admin' },
    ];
  }

  beforeAll(async () => {
    session = await startConsoleSession();
    page = session.page;
    const users = await adminApi<{ items: { id: string; username: string }[] }>('GET', '/users');
    adminId = users.items.find((user) => user.username === 'admin')!.id;
    emptyUserId = (await adminApi<{ id: string }>('POST', '/users', { username: 'newcomer', password: 'newcomer-password-1', permissions: [] })).id;
  }, CONSOLE_STEP_TIMEOUT);

  afterAll(async () => {
    await session?.close();
  }, CONSOLE_STEP_TIMEOUT);

  it(
    'shows on each empty list what it would hold and what to do next, without serious violations at either width',
    async () => {
      const empties: [ConsolePage, (main: Locator) => Promise<void>][] = [
        [{ hash: '#/device-requests', heading: 'Device Requests' }, (main) => expectEmptyState(main, 'No pending device requests.', /\/device/)],
        [
          { hash: `#/users/${emptyUserId}/sessions`, heading: 'Sessions and consents of newcomer' },
          async (main) => {
            await expectEmptyState(main, 'No active session.', /signs in/);
            await expectEmptyState(main, 'No consent given.', /consent page/);
          },
        ],
        [
          { hash: '#/resource-server', heading: 'Resource Server' },
          async (main) => {
            await expectEmptyState(main, 'No route yet: paths not served by the resource server itself answer 404.', /Add route/);
            await expectEmptyState(main, 'No change yet.', /route/);
          },
        ],
      ];
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        for (const [where, check] of empties) {
          await session.go(where.hash, where.heading);
          await loaded(page);
          await check(page.locator('main'));
          await expectNoSeriousViolations(page, `${where.hash} empty, ${viewport.width} px`);
        }
        // Filtered lists that match nothing say how to widen the filter.
        await session.go('#/clients', 'Client Registration');
        await page.getByLabel('Name').fill('no such client');
        await page.getByRole('button', { name: 'Filter' }).click();
        await expectEmptyState(page.locator('main'), 'No clients match.', /Clear the filter/);
        expect(await page.locator('.empty-state').getByRole('link', { name: 'Add New Client' }).count()).toBe(1);
        await expectNoSeriousViolations(page, `#/clients filtered to nothing, ${viewport.width} px`);
        await session.go('#/tokens', 'Token Management');
        await loaded(page);
        await page.getByLabel('User').fill('nobody');
        await page.getByRole('button', { name: 'Show tokens' }).click();
        await expectEmptyState(page.locator('main'), 'No tokens.', /\/oauth\/token/);
        await expectNoSeriousViolations(page, `#/tokens filtered to nothing, ${viewport.width} px`);
        await session.go('#/audit', 'Audit Trail');
        await page.getByLabel('Actor').fill('nobody');
        await page.getByRole('button', { name: 'Show events' }).click();
        await expectEmptyState(page.locator('main'), 'No events.', /clear Action/);
        await expectNoSeriousViolations(page, `#/audit filtered to nothing, ${viewport.width} px`);
        if (viewport === PHONE) await session.shot('phone-empty-state', false);
      }
      await page.setViewportSize(DESKTOP);
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT * 2,
  );

  it(
    'has no serious or critical violations on any page with data, at desktop and at phone width, where nothing scrolls sideways',
    async () => {
      // Data on every list: a client with a scope and a token, a resource, a pending device request, a route at the resource server.
      await adminApi('POST', '/scopes', { name: 'ledger.read', description: 'Read the ledger' });
      const client = await adminApi<{ clientId: string; clientSecret: string }>('POST', '/clients', {
        name: 'Ledger',
        version: '2.0',
        type: 'confidential',
        redirectUris: ['https://ledger.example.com/callback'],
        grants: ['authorization_code', 'client_credentials'],
      });
      clientId = client.clientId;
      await adminApi('PUT', `/clients/${clientId}/scopes/ledger.read`);
      await adminApi('POST', '/resources', { identifier: 'https://ledger.example.com/api', name: 'Ledger API', scopes: ['ledger.read'] });
      const issued = await session.as.request('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${client.clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'ledger.read' }).toString(),
      });
      expect(issued.status).toBe(200);
      const tv = await adminApi<{ clientId: string }>('POST', '/clients', {
        name: 'Hall TV',
        version: '1.0',
        type: 'public',
        redirectUris: [],
        grants: ['urn:ietf:params:oauth:grant-type:device_code'],
      });
      const device = await session.as.request('/oauth/device_authorization', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: tv.clientId }).toString(),
      });
      expect(device.status).toBe(200);
      await session.go('#/resource-server', 'Resource Server');
      await page.getByRole('button', { name: 'Add route' }).click();
      const form = page.getByRole('form', { name: 'Add a route' });
      await form.getByLabel('Path prefix').fill('/ledger');
      await form.getByLabel('Upstream', { exact: true }).fill('http://127.0.0.1:9');
      await form.getByLabel('Who may call').selectOption('public');
      await form.getByRole('button', { name: 'Add route' }).click();
      await page.getByText('Route /ledger added.').waitFor();

      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        for (const { hash, heading } of await everyPage()) {
          await session.go(hash, heading);
          await loaded(page);
          expect({ hash, emptyLists: await page.locator('main .empty-state').count() }).toEqual({ hash, emptyLists: 0 });
          await expectNoSeriousViolations(page, `${hash}, ${viewport.width} px`);
          if (viewport === PHONE) await expectNoSidewaysScroll(page, hash);
        }
        // The states that only show after a click: a confirmation dialog, and the phone's open menu.
        await session.go('#/keys', 'Signing Keys');
        await page.getByRole('button', { name: 'Rotate signing key' }).click();
        await page.getByRole('dialog').waitFor();
        await expectNoSeriousViolations(page, `#/keys with its dialog open, ${viewport.width} px`);
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        if (viewport === PHONE) {
          await session.go('#/users', 'Users');
          await loaded(page);
          await session.shot('phone-users', false);
          await page.getByRole('button', { name: 'Menu' }).click();
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit Trail' }).waitFor();
          await expectNoSeriousViolations(page, `menu open, ${viewport.width} px`);
          await session.shot('phone-navigation', false);
        }
      }
      await page.setViewportSize(DESKTOP);
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT * 3,
  );

  it(
    'reaches the skip link, the navigation and the main action with Tab, each with a visible focus ring',
    async () => {
      await page.setViewportSize(DESKTOP);
      await session.go('#/clients', 'Client Registration');
      const labels = (await navigation()).map(([, label]) => label);
      expect(labels).toEqual(expect.arrayContaining(NAV_LABELS));
      const stops: FocusState[] = [];
      for (let i = 0; i < 2 + labels.length + 1; i++) stops.push(await tab(page));
      expect(stops.map((stop) => stop.name)).toEqual(['Skip to content', 'Sign out', ...labels, 'Add New Client']);
      for (const stop of stops) expectVisibleFocus(stop);

      // The skip link goes straight to the page: the next Tab is its main action.
      await session.go('#/users', 'Users');
      expect((await tab(page)).name).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate('document.activeElement.id')).toBe('main');
      const first = await tab(page);
      expect(first.tag).toBe('button');
      expect(first.name).toMatch(/^Edit profile/);
      expectVisibleFocus(first);

      // A phone: the navigation is folded behind Menu, which opens it and Escape folds again.
      await page.setViewportSize(PHONE);
      await session.go('#/clients', 'Client Registration');
      const phoneStops = [await tab(page), await tab(page), await tab(page), await tab(page)];
      expect(phoneStops.map((stop) => stop.name)).toEqual(['Skip to content', 'Menu', 'Sign out', 'Add New Client']);
      for (const stop of phoneStops) expectVisibleFocus(stop);
      const menu = page.getByRole('button', { name: 'Menu' });
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      await tab(page, true);
      expect((await tab(page, true)).name).toBe('Menu');
      await page.keyboard.press('Enter');
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await tab(page);
      const firstLink = await tab(page);
      expect(firstLink.name).toBe('Dashboard');
      expectVisibleFocus(firstLink);
      await page.keyboard.press('Escape');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect((await focusState(page)).name).toBe('Menu');
      expect(await page.getByRole('link', { name: 'Audit Trail' }).isVisible()).toBe(false);
      // Following a link folds the menu and lands on that page's heading.
      await page.keyboard.press('Enter');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scopes' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Scopes' }).waitFor();
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect((await settledFocus(page)).tag).toBe('h1');
      await page.setViewportSize(DESKTOP);
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'keeps the focus inside a confirmation dialog; Escape closes it and the focus returns to the button that opened it',
    async () => {
      await session.go('#/keys', 'Signing Keys');
      await loaded(page);
      const keysBefore = await page.getByRole('row').count();
      const rotate = page.getByRole('button', { name: 'Rotate signing key' });
      await rotate.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Rotate the signing key?' });
      await dialog.waitFor();
      const opened = await focusState(page);
      expect({ name: opened.name, inDialog: opened.inDialog }).toEqual({ name: 'Cancel', inDialog: true });
      // Round the dialog's two buttons and past them, both ways: the focus never leaves it.
      const forward = [await tab(page), await tab(page), await tab(page), await tab(page), await tab(page)];
      expect(forward.map((stop) => [stop.name, stop.inDialog])).toEqual([
        ['Rotate signing key', true],
        ['Cancel', true],
        ['Rotate signing key', true],
        ['Cancel', true],
        ['Rotate signing key', true],
      ]);
      for (const stop of forward) expectVisibleFocus(stop);
      const backward = [await tab(page, true), await tab(page, true), await tab(page, true)];
      expect(backward.map((stop) => [stop.name, stop.inDialog])).toEqual([
        ['Cancel', true],
        ['Rotate signing key', true],
        ['Cancel', true],
      ]);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      const back = await settledFocus(page);
      expect({ name: back.name, inDialog: back.inDialog }).toEqual({ name: 'Rotate signing key', inDialog: false });
      expectVisibleFocus(back);
      // Escape cancelled: no key was rotated.
      await session.go('#/keys', 'Signing Keys');
      await loaded(page);
      expect(await page.getByRole('row').count()).toBe(keysBefore);
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT,
  );

  it(
    'does not shift the layout when data loads, even on a slow network (cumulative layout shift near 0)',
    async () => {
      // Slow answers, so that every placeholder is painted before the data replaces it.
      await page.route(/\/admin\/v1\//, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await route.continue();
      });
      try {
        /** The layout shifts since the page's navigation, not caused by input (the CLS sum). */
        const layoutShift = (): Promise<number> =>
          page.locator('html').evaluate(
            (root) =>
              new Promise<number>((resolve) => {
                const window = root.ownerDocument.defaultView;
                let sum = 0;
                const add = (entries: LayoutShift[]) => {
                  for (const entry of entries) if (!entry.hadRecentInput) sum += entry.value;
                };
                const observer = new window.PerformanceObserver((list: { getEntries(): LayoutShift[] }) => add(list.getEntries()));
                observer.observe({ type: 'layout-shift', buffered: true });
                // Buffered entries arrive in a task of their own; two frames later every one has.
                window.requestAnimationFrame(() =>
                  window.requestAnimationFrame(() =>
                    window.setTimeout(() => {
                      add(observer.takeRecords());
                      observer.disconnect();
                      resolve(sum);
                    }, 0),
                  ),
                );
              }),
          );
        const shifts: Record<string, number> = {};
        for (const viewport of [DESKTOP, PHONE]) {
          await page.setViewportSize(viewport);
          for (const { hash, heading } of await everyPage()) {
            await session.go(hash, heading);
            await loaded(page);
            shifts[`${hash} ${viewport.width} px`] = Math.round((await layoutShift()) * 1000) / 1000;
          }
        }
        expect(Object.entries(shifts).filter(([, value]) => value >= 0.01)).toEqual([]);

        // The measure itself sees a shift when there is one: the page's content pushed down.
        await page.setViewportSize(DESKTOP);
        await session.go('#/users', 'Users');
        await loaded(page);
        await page.locator('main section').first().evaluate((section) => {
          const block = section.ownerDocument.createElement('div');
          block.style.height = '300px';
          section.prepend(block);
        });
        expect(await layoutShift()).toBeGreaterThan(0.05);
      } finally {
        await page.unroute(/\/admin\/v1\//);
      }
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT * 2,
  );
});
