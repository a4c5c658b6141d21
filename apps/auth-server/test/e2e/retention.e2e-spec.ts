import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, holdCalls } from '#testing';
import { RetentionJob } from '../../src/retention/retention-job.js';
import { RetentionRepository } from '../../src/retention/retention.repository.js';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { clientCredentials, createClient, createUser, sql, type TestClient } from '../support/token-fixtures.js';

jest.setTimeout(180_000);

/** The job never runs on its own here (interval 0): each test runs it and looks at what is left. */
const ENV = { RETENTION_INTERVAL_SECONDS: '0', RETENTION_BATCH_SIZE: '1000' };

interface GrantFixture {
  createdDaysAgo: number;
  /** Seconds from now (negative: expired); null: a "never" lifetime. */
  accessExpiresIn: number | null;
  refreshToken?: boolean;
  /** Days ago; undefined: not revoked. */
  revokedDaysAgo?: number;
}

describe('retention job', () => {
  let server: RunningAuthServer;
  let sibling: RunningAuthServer;
  let client: TestClient;
  let userId: string;

  const job = (on: RunningAuthServer) => on.app.get(RetentionJob);
  const exists = async (table: string, key: string, value: unknown) => (await sql(server, `SELECT 1 FROM ${table} WHERE ${key} = $1`, [value])).length === 1;

  const insertGrant = async (grant: GrantFixture): Promise<string> => {
    const [{ id }] = await sql<{ id: string }>(
      server,
      `INSERT INTO grants (client_ref, client_id, user_id, username, grant_type, scopes, issued_at, created_at, access_expires_at, refresh_token_hash, revoked_at)
       VALUES ($1, $2, $3, 'retention-user', 'authorization_code', '["read"]', now() - make_interval(days => $4), now() - make_interval(days => $4),
               CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int) END,
               CASE WHEN $6 THEN md5(random()::text) END,
               CASE WHEN $7::int IS NULL THEN NULL ELSE now() - make_interval(days => $7::int) END)
       RETURNING id`,
      [client.id, client.clientId, userId, grant.createdDaysAgo, grant.accessExpiresIn, grant.refreshToken ?? false, grant.revokedDaysAgo ?? null],
    );
    return id;
  };

  beforeAll(async () => {
    server = await startTestAuthServer({}, ENV);
    sibling = await startTestAuthServer({}, ENV, { database: server.database });
    client = await createClient(server, { grants: ['client_credentials', 'authorization_code'] });
    userId = (await createUser(server, 'retention-user', 'retention-password-1')).id;
  });
  afterAll(async () => {
    await sibling?.close();
    await server?.close();
  });

  it('removes the grants nothing can use, filing the token.issued events still within the audit retention, and keeps the rest', async () => {
    const DAY = 86_400;
    const dead = await insertGrant({ createdDaysAgo: 100, accessExpiresIn: -99 * DAY });
    await sql(server, `INSERT INTO used_refresh_tokens (token_hash, grant_id) VALUES (md5(random()::text), $1)`, [dead]);
    const revokedAndExpired = await insertGrant({ createdDaysAgo: 100, accessExpiresIn: -99 * DAY, revokedDaysAgo: 99 });
    // Dead, its token.issued event within the 90 days: the event moves to audit_events.
    const recentlyIssued = await insertGrant({ createdDaysAgo: 30, accessExpiresIn: -29 * DAY });
    const kept = {
      // A refresh token still valid keeps its grant, however old.
      refreshable: await insertGrant({ createdDaysAgo: 100, accessExpiresIn: -99 * DAY, refreshToken: true }),
      // Revoked while its access token still verifies: the row is the revocation record the snapshot lists.
      revokedStillVerifiable: await insertGrant({ createdDaysAgo: 100, accessExpiresIn: 3600, revokedDaysAgo: 1 }),
      // Expired a moment ago: a resource server's clock tolerance may still accept it.
      justExpired: await insertGrant({ createdDaysAgo: 100, accessExpiresIn: -10 }),
      // "never", revoked after today's signing key was activated: that key still verifies it.
      neverRevokedUnderLiveKey: await insertGrant({ createdDaysAgo: 100, accessExpiresIn: null, revokedDaysAgo: -1 }),
      // "never", not revoked: live for good.
      neverLive: await insertGrant({ createdDaysAgo: 100, accessExpiresIn: null }),
    };
    // "never", revoked before any published key was activated: no token of it verifies anywhere.
    const neverRevokedLongAgo = await insertGrant({ createdDaysAgo: 100, accessExpiresIn: null, revokedDaysAgo: 50 });

    const run = await job(server).runOnce();

    expect(run?.removed.grants).toBe(4);
    // The old ones' events were not filed into audit_events on the way out (only for the audit pass to delete them again).
    expect(run?.removed.audit_events).toBe(0);
    for (const id of [dead, revokedAndExpired, neverRevokedLongAgo, recentlyIssued]) expect(await exists('grants', 'id', id)).toBe(false);
    expect(await sql(server, `SELECT action FROM audit_events WHERE target_id = $1`, [recentlyIssued])).toEqual([{ action: 'token.issued' }]);
    for (const [name, id] of Object.entries(kept)) expect([name, await exists('grants', 'id', id)]).toEqual([name, true]);
    expect(await sql(server, 'SELECT 1 FROM used_refresh_tokens WHERE grant_id = $1', [dead])).toEqual([]);
    // Past the audit retention: not filed into audit_events on the way out, and no revocation record left behind.
    expect(await sql(server, `SELECT 1 FROM audit_events WHERE target_id = ANY($1)`, [[dead, revokedAndExpired, neverRevokedLongAgo]])).toEqual([]);
    expect(
      await sql(server, `SELECT 1 FROM grant_revocation_records WHERE grant_id = ANY($1::uuid[])`, [[dead, revokedAndExpired, neverRevokedLongAgo]]),
    ).toEqual([]);
  });

  it('removes audit events older than auditRetentionDays, and follows a changed setting', async () => {
    const insertEvent = async (daysAgo: number) =>
      (
        await sql<{ id: string }>(
          server,
          `INSERT INTO audit_events (occurred_at, actor_type, action) VALUES (now() - make_interval(days => $1), 'anonymous', 'retention.test') RETURNING id`,
          [daysAgo],
        )
      )[0].id;
    const [old, recent, week] = [await insertEvent(91), await insertEvent(89), await insertEvent(8)];
    await job(server).runOnce();
    expect([await exists('audit_events', 'id', old), await exists('audit_events', 'id', recent), await exists('audit_events', 'id', week)]).toEqual([
      false,
      true,
      true,
    ]);

    const patch = await server.request('/admin/v1/settings', {
      method: 'PATCH',
      headers: { authorization: server.adminAuthorization },
      json: { auditRetentionDays: 7 },
    });
    expect(patch.status).toBe(200);
    try {
      // The settings cache may serve the old retention for a moment; other tests' filed events may go too.
      await eventually(
        async () => ((await job(server).runOnce())?.removed.audit_events ?? 0) > 0 && !(await exists('audit_events', 'id', recent)),
        10_000,
        'the 7-day retention applied',
      );
      expect([await exists('audit_events', 'id', recent), await exists('audit_events', 'id', week)]).toEqual([false, false]);
    } finally {
      await server.request('/admin/v1/settings', { method: 'PATCH', headers: { authorization: server.adminAuthorization }, json: { auditRetentionDays: 90 } });
    }
  });

  it('removes expired authorization requests, codes past the replay window, device requests an hour past expiry, sessions, stale failure counters and old published events', async () => {
    const request = (handle: string, expiresIn: number) =>
      sql(
        server,
        `INSERT INTO authorization_requests (handle_hash, csrf_token, client_ref, client_id, response_type, redirect_uri, redirect_uri_sent, expires_at)
         VALUES ($1, 'csrf', $2, $3, 'code', 'https://app.example/cb', true, now() + make_interval(secs => $4))`,
        [handle, client.id, client.clientId, expiresIn],
      );
    const code = (hash: string, expiresIn: number) =>
      sql(
        server,
        `INSERT INTO authorization_codes (code_hash, client_ref, user_id, redirect_uri, redirect_uri_sent, expires_at, consumed_at)
         VALUES ($1, $2, $3, 'https://app.example/cb', true, now() + make_interval(secs => $4), now())`,
        [hash, client.id, userId, expiresIn],
      );
    const device = (hash: string, expiresIn: number) =>
      sql(
        server,
        `INSERT INTO device_requests (device_code_hash, user_code_hash, client_ref, client_id, scope_requested, expires_at)
         VALUES ($1, $1, $2, $3, false, now() + make_interval(secs => $4))`,
        [hash, client.id, client.clientId, expiresIn],
      );
    const session = (hash: string, expiresIn: number) =>
      sql(
        server,
        `INSERT INTO browser_sessions (handle_hash, user_id, authenticated_at, expires_at) VALUES ($1, $2, now(), now() + make_interval(secs => $3))`,
        [hash, userId, expiresIn],
      );
    const failure = (key: string, startedAgo: number, lockedFor: number | null) =>
      sql(
        server,
        `INSERT INTO auth_failures (key, failures, window_started_at, locked_until)
         VALUES ($1, 3, now() - make_interval(secs => $2), CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3::int) END)`,
        [key, startedAgo, lockedFor],
      );
    await request('req-expired', -1);
    await request('req-live', 600);
    await code('code-old', -2 * 86_400);
    await code('code-replayable', -3600);
    await device('device-gone', -2 * 3600);
    // Expired a minute ago: still answers expired_token to a late poll.
    await device('device-recently-expired', -60);
    await device('device-live', 600);
    await session('session-expired', -1);
    await session('session-live', 3600);
    await failure('failure-stale', 7200, null);
    await failure('failure-locked', 7200, 60);
    await failure('failure-counting', 60, null);
    const oldEvents = await sql<{ seq: string }>(
      server,
      `INSERT INTO outbox_events (kind, entity_id, entity_version, payload, created_at, published_at)
       SELECT 'scope.upserted', 'retention-' || g, 1, '{}', now() - interval '2 days', now() - interval '2 days' FROM generate_series(1, 3) g RETURNING seq`,
    );
    // A newer event, published by the relay: the newest published one stays, whatever its age.
    const scope = await server.request('/admin/v1/scopes', {
      method: 'POST',
      headers: { authorization: server.adminAuthorization },
      json: { name: 'retention.scope' },
    });
    expect(scope.status).toBe(201);
    await eventually(async () => (await sql(server, 'SELECT 1 FROM outbox_events WHERE published_at IS NULL')).length === 0, 10_000, 'the relay to publish');

    const run = await job(server).runOnce();

    expect(run?.removed).toMatchObject({ authorization_requests: 1, authorization_codes: 1, device_requests: 1, browser_sessions: 1, auth_failures: 1, outbox_events: 3 });
    expect(await sql(server, 'SELECT handle_hash FROM authorization_requests ORDER BY 1')).toEqual([{ handle_hash: 'req-live' }]);
    expect(await sql(server, 'SELECT code_hash FROM authorization_codes ORDER BY 1')).toEqual([{ code_hash: 'code-replayable' }]);
    expect(await sql(server, 'SELECT device_code_hash FROM device_requests ORDER BY 1')).toEqual([{ device_code_hash: 'device-live' }, { device_code_hash: 'device-recently-expired' }]);
    expect(await sql(server, 'SELECT handle_hash FROM browser_sessions ORDER BY 1')).toEqual([{ handle_hash: 'session-live' }]);
    expect(await sql(server, "SELECT key FROM auth_failures WHERE key LIKE 'failure-%' ORDER BY 1")).toEqual([
      { key: 'failure-counting' },
      { key: 'failure-locked' },
    ]);
    expect(await sql(server, 'SELECT 1 FROM outbox_events WHERE seq = ANY($1::bigint[])', [oldEvents.map((row) => row.seq)])).toEqual([]);
  });

  it('runs on one auth server at a time: the other skips while the lease is held', async () => {
    await insertGrant({ createdDaysAgo: 100, accessExpiresIn: -86_400 });
    const held = holdCalls(server.app.get(RetentionRepository), 'removeBatch');
    const first = job(server).runOnce();
    try {
      await eventually(() => held.arrived === 1, 10_000, 'the first run to hold the lease');
      expect(await job(sibling).runOnce()).toBeNull();
    } finally {
      held.release();
    }
    expect((await first)?.removed.grants).toBe(1);
    // Released at the end: the sibling runs next time.
    expect(await job(sibling).runOnce()).not.toBeNull();
  });

  it('exposes rows removed per table, runs by outcome and run durations on /metrics', async () => {
    const text = await (await server.request('/metrics')).text();
    expect(text).toMatch(/^retention_rows_removed_total\{table="grants"\} [1-9]\d*$/m);
    expect(text).toMatch(/^retention_rows_removed_total\{table="audit_events"\} [1-9]\d*$/m);
    expect(text).toMatch(/^retention_runs_total\{outcome="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^retention_run_duration_seconds_count [1-9]\d*$/m);
    const siblingText = await (await sibling.request('/metrics')).text();
    expect(siblingText).toMatch(/^retention_runs_total\{outcome="skipped"\} [1-9]\d*$/m);
  });

  it('keeps issuing tokens, without an error, while it removes a large batch', async () => {
    // PGlite runs every statement on one thread in this process: 10k rows there keep npm test's budget.
    const ROWS = server.database.real ? 50_000 : 10_000;
    await sql(
      server,
      `INSERT INTO grants (client_ref, client_id, grant_type, scopes, issued_at, created_at, access_expires_at)
       SELECT $1, $2, 'client_credentials', '["read"]', now() - interval '100 days', now() - interval '100 days' + make_interval(secs => g), now() - interval '99 days'
       FROM generate_series(1, $3::int) g`,
      [client.id, client.clientId, ROWS],
    );
    await sql(
      server,
      `INSERT INTO audit_events (occurred_at, actor_type, action) SELECT now() - interval '100 days', 'anonymous', 'retention.bulk' FROM generate_series(1, $1::int)`,
      [ROWS],
    );
    let done = false;
    const statuses: number[] = [];
    let issuedDuringRun = 0;
    const issuing = (async () => {
      // Keep issuing until the job is done, and a few after; every answer must be a 200.
      while (!done || statuses.length < 20) {
        const response = await clientCredentials(server, client);
        statuses.push(response.status);
        if (!done) issuedDuringRun++;
        await response.arrayBuffer();
      }
    })();
    const run = await job(server)
      .runOnce()
      .finally(() => (done = true));
    await issuing;
    expect(run?.removed.grants).toBe(ROWS);
    expect(run?.removed.audit_events).toBe(ROWS);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(issuedDuringRun).toBeGreaterThan(0);
    expect(
      await sql(server, `SELECT count(*)::int AS left FROM grants WHERE grant_type = 'client_credentials' AND created_at < now() - interval '99 days'`),
    ).toEqual([{ left: 0 }]);
  });
});
