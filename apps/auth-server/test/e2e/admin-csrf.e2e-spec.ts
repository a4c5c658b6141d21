import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { count, sql } from '../support/clients-fixtures.js';

jest.setTimeout(60_000);

/**
 * A foreign page in a browser that holds the admin's cached Basic credentials: what its forms and
 * no-cors fetches can send must change nothing (the fuzzing run found these going through).
 */
describe('admin API: cross-site requests are refused (CSRF)', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer({ issuer: 'http://localhost:3000' });
  });
  afterAll(async () => {
    await server.close();
  });

  const send = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const response = await fetch(server.baseUrl + path, { method, headers: { authorization: server.adminAuthorization, ...headers }, body });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { title?: string; detail?: string } };
  };

  it('an HTML form creating a scope gets 403 (foreign Origin) or 415 (no Origin) and nothing is written', async () => {
    const before = await count(server, 'scopes');
    const outboxBefore = await count(server, 'outbox_events');
    const response = await send(
      'POST',
      '/admin/v1/scopes',
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      'name=x&description=y',
    );
    expect(response.status).toBe(403);
    const noOrigin = await send('POST', '/admin/v1/scopes', { 'content-type': 'application/x-www-form-urlencoded' }, 'name=x&description=y');
    expect([noOrigin.status, noOrigin.type, noOrigin.body.title]).toEqual([415, expect.stringContaining('application/problem+json'), 'Unsupported media type']);
    expect([await count(server, 'scopes'), await count(server, 'outbox_events')]).toEqual([before, outboxBefore]);
  });

  it('a cross-site key rotation without a body gets 403 and the keys stay as they were', async () => {
    const keys = async () => sql(server, 'SELECT kid FROM signing_keys ORDER BY kid');
    const before = await keys();
    const response = await send('POST', '/admin/v1/keys/rotate', { 'sec-fetch-site': 'cross-site' });
    expect([response.status, response.body.detail]).toEqual([403, 'cross-site requests to the admin API are refused']);
    expect(await keys()).toEqual(before);
  });

  it('a no-cors text/plain fetch deactivating a client gets 415', async () => {
    const created = await fetch(server.baseUrl + '/admin/v1/clients', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Csrf Target', version: '1', type: 'confidential', grants: ['client_credentials'] }),
    }).then((r) => r.json() as Promise<{ clientId: string }>);
    const response = await send('PATCH', `/admin/v1/clients/${created.clientId}`, { 'content-type': 'text/plain;charset=UTF-8' }, '{"active":false}');
    expect(response.status).toBe(415);
    expect(await sql(server, 'SELECT active FROM clients WHERE client_id = $1', [created.clientId])).toEqual([{ active: true }]);
  });

  it('the same changes from this origin, or from a client that is no browser, go through', async () => {
    const sameOrigin = await send(
      'POST',
      '/admin/v1/scopes',
      { 'content-type': 'application/json', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' },
      JSON.stringify({ name: 'ok.scope', description: '' }),
    );
    expect(sameOrigin.status).toBe(201);
    const rotated = await send('POST', '/admin/v1/keys/rotate', {});
    expect(rotated.status).toBe(201);
  });
});
