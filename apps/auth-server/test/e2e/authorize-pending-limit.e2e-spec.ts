import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { authorizePath, createTestClient, pkcePair, type TestClient } from '../support/authorize-flow.helpers.js';
import { requestFrom } from '../support/from-address.js';
import { sql } from '../support/token-fixtures.js';

// Booting on the embedded PGlite is slower than the default 5 s.
jest.setTimeout(120_000);

const LIMIT = 3;

/** Issue 12, item 7: GET /oauth/authorize stores pending requests under a per-IP limit; so does POST /oauth/par for public clients. */
describe('pending authorization requests per IP', () => {
  let server: RunningAuthServer;
  let client: TestClient;
  const path = () => authorizePath({ response_type: 'code', client_id: client.clientId, state: 'st' });
  const storedRows = async () => Number((await sql<{ n: string }>(server, 'SELECT count(*) AS n FROM authorization_requests'))[0].n);

  beforeAll(async () => {
    server = await startTestAuthServer({}, { AUTHORIZE_PENDING_PER_IP: String(LIMIT) });
    client = await createTestClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it('the request over the limit gets a 429 page with Retry-After, not a redirect, and stores nothing; another IP still works', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await server.request(path())).status).toBe(200);
    expect(await storedRows()).toBe(LIMIT);

    const refused = await server.request(path());
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refused.headers.get('location')).toBeNull();
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await refused.text()).toContain('Too many requests');
    expect(await storedRows()).toBe(LIMIT);

    const otherIp = await requestFrom('127.0.0.2', server.baseUrl + path());
    expect(otherIp.status).toBe(200);
    expect(await storedRows()).toBe(LIMIT + 1);
  });

  it('a place frees up when one of the IP requests expires', async () => {
    await sql(
      server,
      `UPDATE authorization_requests SET expires_at = now() - interval '1 second' WHERE handle_hash = (SELECT handle_hash FROM authorization_requests ORDER BY created_at LIMIT 1)`,
    );
    expect((await server.request(path())).status).toBe(200);
    expect((await server.request(path())).status).toBe(429);
  });

  describe('pushed requests (RFC 9126)', () => {
    const pushedRows = async () => Number((await sql<{ n: string }>(server, 'SELECT count(*) AS n FROM pushed_authorization_requests'))[0].n);

    function push(pusher: TestClient): Promise<Response> {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const body = new URLSearchParams({ response_type: 'code', redirect_uri: 'https://app.example.com/callback', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      if (pusher.clientSecret === undefined) body.set('client_id', pusher.clientId);
      else headers.authorization = `Basic ${Buffer.from(`${pusher.clientId}:${pusher.clientSecret}`).toString('base64')}`;
      return fetch(`${server.baseUrl}/oauth/par`, { method: 'POST', headers, body });
    }

    it('a public client gets 429 with Retry-After past the limit from one IP, stores nothing, and it is audited', async () => {
      const publicClient = await createTestClient(server, { type: 'public' });
      for (let i = 0; i < LIMIT; i++) expect((await push(publicClient)).status).toBe(201);
      const before = await pushedRows();
      const refused = await push(publicClient);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('too many pushed authorization requests') });
      expect(await pushedRows()).toBe(before);
      const audit = await server.request('/admin/v1/audit?action=par.refused&limit=50', { headers: { authorization: server.adminAuthorization } });
      const items = ((await audit.json()) as { items: { details: { clientId: string; reason: string } }[] }).items;
      expect(items.some((item) => item.details.clientId === publicClient.clientId && item.details.reason === 'too many pushed requests from this IP')).toBe(true);
    });

    it('a confidential client, whose backend pushes for all its users, is not limited per IP', async () => {
      const confidential = await createTestClient(server);
      for (let i = 0; i < LIMIT + 2; i++) expect((await push(confidential)).status).toBe(201);
    });
  });
});
