import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import type { RegistrySnapshot } from '#sync';
import { eventually, holdCalls, TEST_RESOURCE_CLIENT } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import { basicAuthorization, type RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, createStackClient, grantIdOf, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';
import { GrantsRepository } from '../../apps/auth-server/src/tokens/grants.repository.js';

// Real apps on PGlite (no TEST_DATABASE_URL) boot in several seconds; each test starts a fresh resource server.
jest.setTimeout(90_000);

const PASSWORD = 'a-long-password';

/**
 * Revocations outlive the rows they revoke (issue 12, items 2 and 7): a resource server that
 * knows only the snapshot (a new replica, Redis restarted empty, a gap) must still refuse the
 * tokens of a deleted user or client, and a token issued during a deactivation must not survive it.
 */
describe('stack: revocation records survive deletes and reach snapshot-loading resource servers', () => {
  let as: RunningAuthServer;

  beforeAll(async () => {
    as = await startStackAuthServer();
  });

  afterAll(async () => {
    await as?.close();
  });

  /** A resource server on a bus of its own: it knows only what the snapshot says. */
  async function freshResourceServer(): Promise<RunningResourceServer> {
    const rs = await startTestResourceServer({ issuer: as.baseUrl });
    await rs.waitUntilReady(20_000);
    return rs;
  }

  async function expectRefused(rs: RunningResourceServer, token: string): Promise<void> {
    const refusal = await probe(rs, token);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  }

  async function snapshot(): Promise<RegistrySnapshot> {
    const response = await as.request('/internal/v1/sync/snapshot', {
      headers: { authorization: basicAuthorization(TEST_RESOURCE_CLIENT.clientId, TEST_RESOURCE_CLIENT.clientSecret) },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as RegistrySnapshot;
  }

  function revocationOf(registry: RegistrySnapshot, grantId: string): { clientId: string; expiresAt: string | null | undefined } | undefined {
    const revocation = registry.revocations.find((entry) => entry.grantIds?.includes(grantId));
    return revocation && { clientId: revocation.clientId, expiresAt: revocation.expiresAt };
  }

  async function passwordClient(name: string, accessTokenLifetime: { mode: string; seconds?: number }): Promise<StackClient> {
    return adminOk<StackClient>(as, 'POST', '/admin/v1/clients', { name, version: '1.0', type: 'confidential', grants: ['password'], accessTokenLifetime });
  }

  async function createUser(username: string): Promise<string> {
    return (await adminOk<{ id: string }>(as, 'POST', '/admin/v1/users', { username, password: PASSWORD })).id;
  }

  async function tokenRequest(client: StackClient, form: Record<string, string>): Promise<Response> {
    return as.request('/oauth/token', {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function passwordToken(client: StackClient, username: string): Promise<string> {
    const response = await tokenRequest(client, { grant_type: 'password', username, password: PASSWORD });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function introspect(client: StackClient, token: string): Promise<{ active: boolean }> {
    const response = await as.request('/oauth/introspect', {
      method: 'POST',
      headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await response.json()) as { active: boolean };
  }

  async function query<T extends pg.QueryResultRow>(sql: string, parameters: unknown[]): Promise<T[]> {
    const db = new pg.Client({ connectionString: as.database.url });
    await db.connect();
    try {
      return (await db.query<T>(sql, parameters)).rows;
    } finally {
      await db.end();
    }
  }

  async function recordCount(grantId: string): Promise<number> {
    const [row] = await query<{ count: string }>('SELECT count(*) AS count FROM grant_revocation_records WHERE grant_id = $1', [grantId]);
    return Number(row.count);
  }

  it('a deleted user\'s tokens ("never" and normal lifetime) are listed in the snapshot and refused by a resource server started afterwards', async () => {
    const never = await passwordClient('Never Expiring', { mode: 'never' });
    const normal = await passwordClient('Normal Lifetime', { mode: 'global' });
    const userId = await createUser('deleted-user');
    const neverToken = await passwordToken(never, 'deleted-user');
    const normalToken = await passwordToken(normal, 'deleted-user');

    await adminOk(as, 'DELETE', `/admin/v1/users/${userId}`);

    const registry = await snapshot();
    expect(revocationOf(registry, grantIdOf(neverToken))).toEqual({ clientId: never.clientId, expiresAt: null });
    expect(revocationOf(registry, grantIdOf(normalToken))).toEqual({ clientId: normal.clientId, expiresAt: expect.any(String) });

    const rs = await freshResourceServer();
    try {
      await expectRefused(rs, neverToken);
      await expectRefused(rs, normalToken);
    } finally {
      await rs.close();
    }
  });

  it("a deleted client's grants stay revoked in the snapshot, and a resource server started afterwards refuses its tokens", async () => {
    const client = await passwordClient('Deleted Client', { mode: 'never' });
    await createUser('of-deleted-client');
    const token = await passwordToken(client, 'of-deleted-client');

    await adminOk(as, 'DELETE', `/admin/v1/clients/${client.clientId}`);

    expect(revocationOf(await snapshot(), grantIdOf(token))).toEqual({ clientId: client.clientId, expiresAt: null });
    const rs = await freshResourceServer();
    try {
      await expectRefused(rs, token);
    } finally {
      await rs.close();
    }
  });

  it('prunes a record once the last token it covers has expired, and keeps a "never" one', async () => {
    const shortLived = await passwordClient('Short Lived', { mode: 'seconds', seconds: 60 });
    const never = await passwordClient('Never Again', { mode: 'never' });
    const userId = await createUser('short-lived-user');
    const shortGrant = grantIdOf(await passwordToken(shortLived, 'short-lived-user'));
    const neverGrant = grantIdOf(await passwordToken(never, 'short-lived-user'));

    await adminOk(as, 'DELETE', `/admin/v1/users/${userId}`);
    expect(await recordCount(shortGrant)).toBe(1);
    expect(await recordCount(neverGrant)).toBe(1);
    expect(revocationOf(await snapshot(), shortGrant)).toEqual({ clientId: shortLived.clientId, expiresAt: expect.any(String) });
    expect(await recordCount(shortGrant)).toBe(1);

    // A minute later, as far as the record knows (no test waits a minute): its token has expired.
    await query("UPDATE grant_revocation_records SET expires_at = now() - interval '1 second' WHERE grant_id = $1", [shortGrant]);
    expect(revocationOf(await snapshot(), shortGrant)).toBeUndefined();
    expect(await recordCount(shortGrant)).toBe(0);
    expect(await recordCount(neverGrant)).toBe(1);
    expect(revocationOf(await snapshot(), neverGrant)).toEqual({ clientId: never.clientId, expiresAt: null });
  });

  it('prunes a "never" record once no signing key in use at its revocation is published any more', async () => {
    // Revoked before every key of this server was activated: none of its tokens can verify here.
    const ancient = '00000000-0000-4000-8000-000000000001';
    await query("INSERT INTO grant_revocation_records (grant_id, client_id, expires_at, revoked_at) VALUES ($1, 'gone', NULL, '2000-01-01T00:00:00Z')", [
      ancient,
    ]);
    expect(revocationOf(await snapshot(), ancient)).toBeUndefined();
    expect(await recordCount(ancient)).toBe(0);
  });

  it('a token request racing a client deactivation never leaves an active grant for the deactivated client', async () => {
    const client = await createStackClient(as, 'Racing Deactivation');
    // Every request has read its client as active and waits to insert its grant: the deactivation commits meanwhile.
    const held = holdCalls(as.app.get(GrantsRepository), 'insert');
    const requests = Array.from({ length: 12 }, () => tokenRequest(client, { grant_type: 'client_credentials' }));
    try {
      await eventually(() => held.arrived === requests.length, 10_000, 'every token request to reach its grant insert');
      await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    } finally {
      held.release();
    }
    const responses = await Promise.all(requests);
    const bodies = await Promise.all(
      responses.map(async (response) => ({ status: response.status, body: (await response.json()) as { access_token?: string; error?: string } })),
    );
    // Reactivation revives no token issued before the deactivation committed (CONTRACT.md).
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: true });

    const issued = bodies.flatMap(({ body }) => (body.access_token ? [body.access_token] : []));
    for (const token of issued) expect(await introspect(client, token)).toMatchObject({ active: false });
    // The grants were refused: those requests failed with an OAuth error instead of answering a token.
    expect(bodies.map(({ status, body }) => ({ status, error: body.error }))).toEqual(bodies.map(() => ({ status: 401, error: 'invalid_client' })));

    const rs = await freshResourceServer();
    try {
      for (const token of issued) await expectRefused(rs, token);
    } finally {
      await rs.close();
    }
  });

  it.each([
    ['deactivated', (userId: string) => adminOk(as, 'PATCH', `/admin/v1/users/${userId}`, { active: false })],
    ['deleted', (userId: string) => adminOk(as, 'DELETE', `/admin/v1/users/${userId}`)],
  ])('a password grant racing its user being %s stores no grant and fails with invalid_grant, never a 500', async (change, apply) => {
    const client = await passwordClient(`Racing User ${change}`, { mode: 'seconds', seconds: 300 });
    const username = `racing-${change}`;
    const userId = await createUser(username);
    // Every request has checked the password of an active user and waits to insert its grant.
    const held = holdCalls(as.app.get(GrantsRepository), 'insert');
    const requests = Array.from({ length: 4 }, () => tokenRequest(client, { grant_type: 'password', username, password: PASSWORD }));
    try {
      await eventually(() => held.arrived === requests.length, 10_000, 'every token request to reach its grant insert');
      await apply(userId);
    } finally {
      held.release();
    }
    const bodies = await Promise.all((await Promise.all(requests)).map(async (response) => ({ status: response.status, body: (await response.json()) as { error?: string } })));
    expect(bodies).toEqual(bodies.map(() => ({ status: 400, body: { error: 'invalid_grant', error_description: 'the user is no longer active' } })));
    expect(await query('SELECT id FROM grants WHERE client_id = $1', [client.clientId])).toEqual([]);
  });
});

