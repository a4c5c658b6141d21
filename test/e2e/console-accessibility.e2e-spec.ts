import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { axeViolations } from '../support/axe.js';
import { CONSOLE_STEP_TIMEOUT, describeInBrowser, startConsoleSession, type ConsoleSession } from '../support/console-session.js';

describeInBrowser()('console accessibility', () => {
  let session: ConsoleSession;

  beforeAll(async () => {
    session = await startConsoleSession();
  }, CONSOLE_STEP_TIMEOUT);

  afterAll(async () => {
    await session?.close();
  });

  it(
    'probe',
    async () => {
      const pages: [string, string][] = [['#/clients', 'Client Registration'], ['#/clients/new', 'Add New Client'], ['#/scopes', 'Scopes'], ['#/resources', 'Resources'], ['#/tokens', 'Token Management'], ['#/device-requests', 'Device Requests'], ['#/settings', 'OAuth Settings'], ['#/users', 'Users'], ['#/keys', 'Signing Keys'], ['#/audit', 'Audit Trail'], ['#/resource-server', 'Resource Server']];
      await session.go('#/users', 'Users');
      await session.page.evaluate(() => { const b = document.createElement('button'); document.querySelector('main')!.append(b); const p = document.createElement('p'); p.textContent='low'; p.style.color='#eee'; document.querySelector('main')!.append(p); });
      console.log(JSON.stringify(await axeViolations(session.page)));
      console.log(JSON.stringify(await session.page.evaluate(async () => { const r = await (window as any).axe.run(document); return [r.passes.length, r.incomplete.map((x: any) => [x.id, x.nodes.length])]; })));
      for (const width of [] as number[]) {
        await session.page.setViewportSize({ width, height: 800 });
        for (const [hash, heading] of pages) {
          await session.go(hash, heading);
          await session.page.waitForTimeout(500);
          const v = await axeViolations(session.page);
          const sw = await session.page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
          console.log(width, hash, sw, JSON.stringify(v.map((x) => [x.impact, x.id, x.nodes.length, x.nodes.slice(0, 3).map((n) => n.target)])));
        }
      }
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT * 3,
  );
});
