import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { basicAuthorization, startTestAuthServer, TEST_ADMIN, type RunningAuthServer } from '../support/auth-server-harness.js';
import { requestFrom } from '../support/from-address.js';
import { createUser, sql } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(120_000);

const USERS_PATH = '/admin/v1/users';

/** Issue 12, item 5: the admin API's Basic logins share the login throttle (per username and IP). */
describe('admin API: HTTP Basic logins are throttled like the login page', () => {
  let server: RunningAuthServer;
  const asAdmin = (password: string) => server.request(USERS_PATH, { headers: { authorization: basicAuthorization(TEST_ADMIN.username, password) } });

  beforeAll(async () => {
    server = await startTestAuthServer();
    await createUser(server, 'ops', 'ops-password-1', ['access_control']);
  });
  afterAll(async () => {
    await server.close();
  });

  it('ten wrong passwords, then 429 problem+json with Retry-After, even for the right password; another user or IP is unaffected', async () => {
    for (let i = 0; i < 10; i++) expect((await asAdmin('wrong-password')).status).toBe(401);

    for (const password of ['wrong-password', TEST_ADMIN.password]) {
      const locked = await asAdmin(password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await locked.json()).toMatchObject({ status: 429, title: 'Too many requests', detail: 'too many failed attempts, retry later' });
    }

    const otherUser = await server.request(USERS_PATH, { headers: { authorization: basicAuthorization('ops', 'ops-password-1') } });
    expect(otherUser.status).toBe(200);
    const otherIp = await requestFrom('127.0.0.2', server.baseUrl + USERS_PATH, { headers: { authorization: server.adminAuthorization } });
    expect(otherIp.status).toBe(200);

    // The lockout is temporary: once it ends, the right password works and clears the count.
    await sql(server, `UPDATE auth_failures SET locked_until = now() - interval '1 second'`);
    expect((await asAdmin(TEST_ADMIN.password)).status).toBe(200);
    expect(await sql(server, `SELECT key FROM auth_failures WHERE key = 'login:admin|127.0.0.1'`)).toEqual([]);
  });

  it('failed Basic logins are audited as login.failed, like those at the login page', async () => {
    expect((await asAdmin('another-wrong-password')).status).toBe(401);
    const failed = async () =>
      sql<{ target_id: string; details: { via?: string } }>(
        server,
        `SELECT target_id, details FROM audit_events WHERE action = 'login.failed' AND details->>'via' = 'admin_basic'`,
      );
    for (let attempt = 0; attempt < 100 && (await failed()).length < 11; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    const rows = await failed();
    expect(rows.length).toBe(11);
    expect(rows.every((row) => row.target_id === TEST_ADMIN.username)).toBe(true);
  });

  it('thirty identical Basic requests at once all pass: one check, not thirty throttle reservations', async () => {
    const user = 'burst';
    await createUser(server, user, 'burst-password-1', ['access_control']);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => server.request(USERS_PATH, { headers: { authorization: basicAuthorization(user, 'burst-password-1') } })),
    );
    expect(results.map((result) => result.status)).toEqual(Array(30).fill(200));
  });

  it('a remembered password is forgotten when it changes, and a wrong one in a burst is still throttled', async () => {
    const user = 'changer';
    const created = await createUser(server, user, 'changer-password-1', ['access_control']);
    const as = (password: string) => server.request(USERS_PATH, { headers: { authorization: basicAuthorization(user, password) } });
    expect((await as('changer-password-1')).status).toBe(200);
    const changed = await server.request(`${USERS_PATH}/${created.id}`, { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { password: 'changer-password-2' } });
    expect(changed.status).toBe(200);
    expect((await as('changer-password-1')).status).toBe(401);
    expect((await as('changer-password-2')).status).toBe(200);

    // Thirty different guesses at once: each is a check of its own, so the throttle stops them.
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => as(`guess-${i}`)));
    const statuses = guesses.map((guess) => guess.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20);
    // The lockout holds for the remembered right password too.
    expect((await as('changer-password-2')).status).toBe(429);
  });
});
