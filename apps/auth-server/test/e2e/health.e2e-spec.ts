import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

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

describe('auth-server answers malformed input with 400, never 500', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('names the filter that carries a NUL byte', async () => {
    const response = await server.request('/admin/v1/tokens?clientId=%00', { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, errors: [{ field: 'clientId', message: 'clientId must not contain NUL characters' }] });
  });

  it('turns text PostgreSQL cannot store into a 400 problem wherever it reaches the database', async () => {
    // No validator on this filter looks for NUL: PostgreSQL refuses it (SQLSTATE 22021).
    const response = await server.request('/admin/v1/users?username=%00', { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'https://portcullis.dev/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'request: the request contains characters that cannot be stored (such as NUL)',
      errors: [{ field: 'request', message: 'the request contains characters that cannot be stored (such as NUL)' }],
    });
  });

  it('renders a malformed URL as a problem on the admin API and as an OAuth error on OAuth paths', async () => {
    const admin = await server.request('/admin/v1/scopes/%E0%A4%A', { headers: { authorization: server.adminAuthorization } });
    expect(admin.status).toBe(400);
    expect(await admin.json()).toEqual({
      type: 'https://portcullis.dev/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'url: the URL is malformed',
      errors: [{ field: 'url', message: 'the URL is malformed' }],
    });
    const oauth = await server.request('/oauth/token/%E0%A4%A', { method: 'POST' });
    expect(oauth.status).toBe(400);
    expect(await oauth.json()).toEqual({ error: 'invalid_request', error_description: 'the URL is malformed' });
  });
});
