import { expect } from '@jest/globals';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, from the devDependency. */
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/**
 * A same-origin address the test answers itself: the console's CSP allows scripts from 'self'
 * only, so an inline script would be refused, and bypassing the CSP would test another page.
 */
const AXE_PATH = '/__axe__/axe.min.js';
const BLOCKING = new Set(['serious', 'critical']);
/** Pages already answering AXE_PATH. */
const routed = new WeakSet<Page>();

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

export interface AxeOptions {
  /** CSS selectors of parts to leave out (a third-party widget, say); prefer fixing the page. */
  exclude?: string[];
}

/** Runs axe-core on the page as it is now; the violations of every impact. */
export async function axeViolations(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  const origin = new URL(page.url()).origin;
  if (!routed.has(page)) {
    await page.route(`**${AXE_PATH}`, (route) => route.fulfill({ path: AXE_SOURCE, contentType: 'text/javascript; charset=utf-8' }));
    routed.add(page);
  }
  if (!(await page.evaluate("'axe' in window"))) await page.addScriptTag({ url: `${origin}${AXE_PATH}` });
  // Runs in the page; the tests compile without the DOM library, hence the page's globals from the root element.
  return page.locator('html').evaluate(async (root, exclude: string[]) => {
    const document = root.ownerDocument;
    const axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } = document.defaultView.axe;
    const context = exclude.length ? { exclude: exclude.map((selector) => [selector]) } : document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact: impact ?? null,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  }, options.exclude ?? []);
}

/**
 * Fails with a readable list when axe-core finds a serious or critical violation on the page.
 * `context` names what is on screen ("Users, 375 px wide") for the failure message.
 */
export async function expectNoSeriousViolations(page: Page, context: string, options: AxeOptions = {}): Promise<void> {
  const blocking = (await axeViolations(page, options)).filter((violation) => BLOCKING.has(violation.impact ?? ''));
  const described = blocking.map(
    (violation) =>
      `${context}: ${violation.impact} ${violation.id} (${violation.help}) at ${violation.nodes
        .map((node) => `${JSON.stringify(node.target)}${node.failureSummary ? ` [${node.failureSummary.replace(/\s+/g, ' ')}]` : ''}`)
        .join('; ')}`,
  );
  expect(described).toEqual([]);
}
