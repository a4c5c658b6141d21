import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestResourceServer, type RunningResourceServer } from '../support/resource-server-harness.js';
import { AUDIENCE, registrySnapshot, startFakeAuthServer, type FakeAuthServer } from '../support/fake-auth-server.js';

/** x-request-id: echoed by the resource server and forwarded on its calls to the auth server. */
describe('resource server: request ids', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;

  beforeAll(async () => {
    authServer = await startFakeAuthServer();
    authServer.snapshot = registrySnapshot();
    rs = await startTestResourceServer({ issuer: authServer.issuer, env: { RESOURCE_AUDIENCE: AUDIENCE, TOKEN_VALIDATION: 'introspection' } });
    await rs.waitUntilReady();
  });

  afterAll(async () => {
    await rs?.close();
    await authServer?.close();
  });

  it('sends a request id with the snapshot fetch made at start', () => {
    expect(authServer.lastSnapshotRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forwards the incoming request id to introspection and echoes it', async () => {
    const now = Math.floor(Date.now() / 1000);
    authServer.introspection.set('opaque-rid', { active: true, sub: 'bob', client_id: 'app', scope: 'reports.read', token_type: 'Bearer', aud: AUDIENCE, iss: authServer.issuer, iat: now, exp: now + 300, gid: 'g1' });
    const response = await rs.request('/api/me', { token: 'opaque-rid', headers: { 'x-request-id': 'rs-flow-42' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('rs-flow-42');
    expect(authServer.lastIntrospectionRequestId).toBe('rs-flow-42');
  });
});
