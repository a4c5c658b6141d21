import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(60_000);


describe('throttling of failed client authentication and logins', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { grants: ['client_credentials', 'password'] });
    await createUser(server, 'alice', 'alice-password-1');
  });
  afterAll(async () => {
    await server.close();
  });

  it('TC-10: ten wrong secrets, then 429 with Retry-After, even for the right secret; success after the lockout clears it', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, 'wrong') })).status).toBe(
        401,
      );
    }
    const locked = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, client.secret) });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(locked.headers.get('cache-control')).toBe('no-store');
    expect(await locked.json()).toEqual({ error: 'invalid_request', error_description: 'too many failed attempts, retry later' });

    await sql(server, `UPDATE auth_failures SET locked_until = now() - interval '1 second'`);
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, client.secret) })).status,
    ).toBe(200);
    expect(await sql(server, 'SELECT * FROM auth_failures')).toEqual([]);
  });

  it('PW-2: a parallel burst of 50 wrong passwords cannot slip past the counter', async () => {
    const attempt = (password: string) =>
      postForm(server, '/oauth/token', { grant_type: 'password', username: 'alice', password }, { authorization: basic(client.clientId, client.secret) });
    const statuses = (await Promise.all(Array.from({ length: 50 }, () => attempt('wrong-password')))).map((response) => response.status);
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(10);
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
    const locked = await attempt('alice-password-1');
    expect(locked.status).toBe(429);
    const [row] = await sql<{ key: string }>(server, `SELECT key FROM auth_failures WHERE key LIKE 'login:%'`);
    expect(row.key).toBe('login:alice|127.0.0.1');
  });
});
