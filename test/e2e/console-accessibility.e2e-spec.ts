import { afterAll, beforeAll, expect, it } from '@jest/globals';
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
    'signs in and lands on the console',
    async () => {
      await session.go('#/clients', 'Client Registration');
      expect(session.scriptErrors).toEqual([]);
    },
    CONSOLE_STEP_TIMEOUT,
  );
});
