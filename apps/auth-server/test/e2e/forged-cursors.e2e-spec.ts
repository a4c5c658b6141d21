import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

const cursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

/**
 * A cursor is client input that reaches SQL casts (timestamptz, uuid, bigint, text): every admin list
 * answers a forged one with 400 `cursor is malformed`, never with a database error.
 */
describe('forged keyset cursors', () => {
  let server: RunningAuthServer;
  beforeAll(async () => {
    server = await startTestAuthServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const GOOD_TIME = '2026-12-01T10:00:00.000000Z';
  const GOOD_UUID = '8d0b7a4e-3f39-4a55-9a0b-5f7c2f1d9e11';
  const cases: [string, Record<string, unknown>][] = [
    ['/admin/v1/audit', { occurredAt: 'not a time', id: '1' }],
    ['/admin/v1/audit', { occurredAt: '2026-02-30T10:00:00.000000Z', id: '1' }],
    ['/admin/v1/audit', { occurredAt: '2026-12-01T24:00:00.000000Z', id: '1' }],
    ['/admin/v1/audit', { occurredAt: GOOD_TIME, id: 'one' }],
    ['/admin/v1/audit', { occurredAt: GOOD_TIME, id: '99999999999999999999' }],
    ['/admin/v1/tokens', { createdAt: 'yesterday', id: GOOD_UUID }],
    ['/admin/v1/tokens', { createdAt: GOOD_TIME, id: 'not-a-uuid' }],
    ['/admin/v1/clients', { created: '2026-13-01T10:00:00.000000', id: GOOD_UUID }],
    ['/admin/v1/users', { u: 'nul\u0000' }],
    ['/admin/v1/scopes', { name: 'bad name' }],
    ['/admin/v1/users', { other: 'field' }],
  ];

  it.each(cases)('%s with %j: 400 cursor is malformed', async (path, key) => {
    const response = await server.request(`${path}?cursor=${cursor(key)}`, { headers: { authorization: server.adminAuthorization } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('cursor is malformed');
  });

  it('still takes a well-formed cursor', async () => {
    for (const [path, key] of [
      ['/admin/v1/audit', { occurredAt: GOOD_TIME, id: '1' }],
      ['/admin/v1/tokens', { createdAt: GOOD_TIME, id: GOOD_UUID }],
      ['/admin/v1/users', { u: 'someone' }],
    ] as const) {
      const response = await server.request(`${path}?cursor=${cursor(key)}`, { headers: { authorization: server.adminAuthorization } });
      expect(response.status).toBe(200);
    }
  });
});
