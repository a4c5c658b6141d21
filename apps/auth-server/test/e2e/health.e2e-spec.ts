import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../../../../libs/testing/src/index.js';

describe('auth-server health', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers live and ready once the database is migrated', async () => {
    expect(await (await server.request('/health/live')).json()).toEqual({ status: 'ok' });
    const ready = await server.request('/health/ready');
    expect(ready.status).toBe(200);
  });

  it('answers an unknown admin route with a problem document, not a framework default', async () => {
    const response = await server.request('/admin/v1/nothing-here', { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not found' });
  });
});
