import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { basicAuthorization, startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';

// Booting on PGlite and scrypt on a loaded CI machine can exceed jest's 5 s default (the e2e project's testTimeout is not applied).
jest.setTimeout(60_000);

const PROBLEMS = 'https://portcullis.dev/problems/';
const LAST_ADMIN = {
  type: `${PROBLEMS}conflict`,
  title: 'Conflict',
  status: 409,
  detail: 'this is the last active user with the permission access_control; it cannot be deleted, deactivated or lose that permission',
  errors: [],
};
const unauthorized = (detail: string) => ({ type: `${PROBLEMS}unauthorized`, title: 'Unauthorized', status: 401, detail, errors: [] });

describe('users admin API: who may call it, and keeping one admin', () => {
  let server: RunningAuthServer;
  let adminId: string;
  const as = (authorization: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
    server.request(path, { ...init, headers: { authorization } });
  const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => as(server.adminAuthorization, path, init);
  const createUser = async (username: string, permissions: string[]) => {
    const response = await admin('/admin/v1/users', { method: 'POST', json: { username, password: `${username}-password`, permissions } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    server = await startTestAuthServer();
    const list = (await (await admin(`/admin/v1/users?username=${TEST_ADMIN.username}`)).json()) as { items: { id: string }[] };
    adminId = list.items[0].id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 401 without credentials or with a wrong password', async () => {
    const anonymous = await server.request('/admin/v1/users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    expect(await anonymous.json()).toEqual(unauthorized('authentication is required'));

    const wrong = await as(basicAuthorization(TEST_ADMIN.username, 'not-the-password'), '/admin/v1/users');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(unauthorized('invalid username or password'));
  });

  it('answers 403 to a user without access_control, created through the API', async () => {
    await createUser('reader', []);
    const response = await as(basicAuthorization('reader', 'reader-password'), '/admin/v1/users', {
      method: 'POST',
      json: { username: 'x', password: 'long-enough' },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      type: `${PROBLEMS}forbidden`,
      title: 'Forbidden',
      status: 403,
      detail: 'the permission access_control is required',
      errors: [],
    });
    const settings = await as(basicAuthorization('reader', 'reader-password'), '/admin/v1/settings');
    expect(settings.status).toBe(403);
  });

  it('answers 401 to a deactivated admin', async () => {
    const id = await createUser('sleeper', ['access_control']);
    expect((await admin(`/admin/v1/users/${id}`, { method: 'PATCH', json: { active: false } })).status).toBe(200);
    const response = await as(basicAuthorization('sleeper', 'sleeper-password'), '/admin/v1/users');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized('invalid username or password'));
    await admin(`/admin/v1/users/${id}`, { method: 'DELETE' });
  });

  describe('the last active admin', () => {
    it.each([
      ['deleted', { method: 'DELETE' }],
      ['deactivated', { method: 'PATCH', json: { active: false } }],
      ['stripped of access_control', { method: 'PATCH', json: { permissions: [] } }],
    ])('cannot be %s (409)', async (_, init) => {
      const response = await admin(`/admin/v1/users/${adminId}`, init);
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual(LAST_ADMIN);
      expect(await (await admin(`/admin/v1/users/${adminId}`)).json()).toMatchObject({ active: true, permissions: ['access_control'] });
    });

    it('can still change its own password', async () => {
      const response = await admin(`/admin/v1/users/${adminId}`, { method: 'PATCH', json: { password: TEST_ADMIN.password } });
      expect(response.status).toBe(200);
    });

    it('does not count deactivated admins as a remaining admin', async () => {
      const id = await createUser('inactive-admin', ['access_control']);
      await admin(`/admin/v1/users/${id}`, { method: 'PATCH', json: { active: false } });
      expect((await admin(`/admin/v1/users/${adminId}`, { method: 'DELETE' })).status).toBe(409);
      await admin(`/admin/v1/users/${id}`, { method: 'DELETE' });
    });

    it('never loses the last admin when the only two admins are deleted at the same time', async () => {
      // Both requests usually pass the guard before either commits; the row locks then make one wait and see
      // that it would remove the last admin (409). If one commits first, the other caller no longer exists (401).
      const otherId = await createUser('second-admin', ['access_control']);
      const otherAuthorization = basicAuthorization('second-admin', 'second-admin-password');
      const [byAdmin, byOther] = await Promise.all([
        as(server.adminAuthorization, `/admin/v1/users/${otherId}`, { method: 'DELETE' }),
        as(otherAuthorization, `/admin/v1/users/${adminId}`, { method: 'DELETE' }),
      ]);
      const statuses = [byAdmin.status, byOther.status];
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409 || status === 401)).toHaveLength(1);
      const survivor = byAdmin.status === 204 ? server.adminAuthorization : otherAuthorization;
      const users = (await (await as(survivor, '/admin/v1/users')).json()) as { items: { permissions: string[]; active: boolean }[] };
      expect(users.items.filter((user) => user.active && user.permissions.includes('access_control'))).toHaveLength(1);
    });
  });
});
