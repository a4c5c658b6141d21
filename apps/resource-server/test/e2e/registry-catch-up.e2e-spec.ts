import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, clientSnapshot, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/**
 * A client registered a moment ago (dynamic registration, an agent calling at once): its first
 * correctly signed token makes the registry load the snapshot again rather than wait for an event
 * or the next poll; a client the auth server does not know either stays refused.
 */
describe('resource server: a token of a client the registry does not know yet', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE } });
    await rs.waitUntilReady();
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('loads the snapshot again and admits the new client at its first call', async () => {
    authServer.snapshot = registrySnapshot({ clients: [...registrySnapshot().clients, clientSnapshot({ clientId: 'agent-1', name: 'Agent' })] });
    const before = authServer.snapshotRequests;
    const response = await rs.request('/api/me', { token: await authServer.sign({ client_id: 'agent-1', sub: 'ada', scope: 'reports.read' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ clientId: 'agent-1' });
    expect(authServer.snapshotRequests).toBeGreaterThan(before);
  });

  it('still refuses a client the auth server does not know, and loads the snapshot at most once a second for it', async () => {
    const token = await authServer.sign({ client_id: 'nobody', sub: 'x' });
    const before = authServer.snapshotRequests;
    const answers = await Promise.all(Array.from({ length: 5 }, () => rs.request('/api/me', { token })));
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await answers[0].json()).toMatchObject({ error: 'invalid_token' });
    expect(authServer.snapshotRequests - before).toBeLessThanOrEqual(1);
  });
});
