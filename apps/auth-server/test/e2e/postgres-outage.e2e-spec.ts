import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, postgresServerAvailable, TestPostgres } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { grantIdOf } from '../support/test-clients.js';
import { AuthorizationCodesService } from '../../src/authorization-codes/authorization-codes.service.js';
import { hashOpaqueValue } from '../../src/common/opaque-value.js';
import { UsersService } from '../../src/users/users.service.js';
import { record, runLoad, type Operation, type Outcome } from '../support/outage-load.js';
import { basic, createClient, createUser, postForm, sql, type TestClient } from '../support/token-fixtures.js';

jest.setTimeout(120_000);

/**
 * While PostgreSQL is away every refusal comes at once (SECURITY-CHECKLIST F-10): a few ms, never
 * a wait for the driver's connect timeout. The margin is for a busy 2-core runner (the admin's KDF).
 */
const FAST_MS = 2000;
/** Nothing hangs at all; successes may be slow on a busy 2-core runner (the admin's KDF runs on every Basic call). */
const HANG_MS = 10_000;
const OUTAGE_MS = 3000;
const REFRESH_LIMIT = 1000;
const CODES = 400;
/** Codes kept back until PostgreSQL is up again: the outage's fast 503s would otherwise spend them all. */
const CODES_FOR_RECOVERY = 40;
/**
 * Refresh tokens kept back until PostgreSQL is away: without them, every token in hand could be in
 * flight when the sessions are cut (a 503 hands none on), and no refresh would meet the outage (a
 * CI run under load had that).
 */
const REFRESH_TOKENS_FOR_OUTAGE = 3;

/**
 * PostgreSQL restarted under load (issue 6): the auth server runs on a PostgreSQL cluster of the
 * test's own, which is shut down (fast shutdown: sessions are cut with 57P01, new ones refused)
 * while workers keep issuing, exchanging codes, refreshing and administering, then started again.
 */
(postgresServerAvailable() ? describe : describe.skip)('PostgreSQL restarted under load (F-10, F-11)', () => {
  let postgres: TestPostgres;
  let server: RunningAuthServer;
  let ccClient: TestClient;
  let codeClient: TestClient;
  let clientId: string;
  const codes: string[] = [];
  const refreshTokens: string[] = [];
  const outcomes: Outcome[] = [];
  const ready: { during: number[]; after?: number } = { during: [] };
  let stopAt = 0;
  let downAt = 0;
  let restartingAt = 0;
  let upAt = 0;

  function operations(): Operation[] {
    const encode = (form: Record<string, string>, client: TestClient, subject?: string) =>
      postForm(server, '/oauth/token', form, { authorization: basic(client.clientId, client.secret) }).then((response) =>
        record('/oauth/token', response, subject),
      );
    const admin = (method: string, path: string, json?: unknown) =>
      server.request(path, { method, json, headers: { authorization: server.adminAuthorization } }).then((response) => record(path, response));
    return [
      { name: 'client_credentials', run: () => encode({ grant_type: 'client_credentials' }, ccClient) },
      {
        name: 'authorization_code',
        run: () => {
          if (upAt === 0 && codes.length <= CODES_FOR_RECOVERY) return undefined;
          const code = codes.pop();
          return code === undefined ? undefined : encode({ grant_type: 'authorization_code', code }, codeClient, code);
        },
      },
      {
        name: 'refresh_token',
        run: () => {
          if (downAt === 0 && refreshTokens.length <= REFRESH_TOKENS_FOR_OUTAGE) return undefined;
          const token = refreshTokens.shift();
          return token === undefined ? undefined : encode({ grant_type: 'refresh_token', refresh_token: token }, codeClient);
        },
      },
      { name: 'admin_write', run: () => admin('POST', '/admin/v1/scopes', { name: `outage-${randomBytes(6).toString('hex')}`, description: 'load' }) },
      { name: 'admin_read', run: () => admin('GET', `/admin/v1/clients/${clientId}`) },
    ];
  }

  async function readiness(): Promise<number> {
    const response = await server.request('/health/ready');
    await response.arrayBuffer();
    return response.status;
  }

  async function seedCodes(): Promise<void> {
    const user = await server.app.get(UsersService).findByUsername('outage-user');
    const service = server.app.get(AuthorizationCodesService);
    for (let i = 0; i < CODES; i++) {
      codes.push(
        await service.issue({
          clientRef: codeClient.id,
          userId: user!.id,
          redirectUri: 'https://app.example/cb',
          redirectUriSent: false,
          scopes: ['read'],
          codeChallenge: null,
          nonce: null,
          authTime: null,
          resources: [],
          dpopJkt: null,
        }),
      );
    }
  }

  beforeAll(async () => {
    postgres = await TestPostgres.start();
    // 503s are logged as errors by design; LOG_LEVEL=fatal keeps this test's thousands of them out of the output.
    server = await startTestAuthServer({ databaseUrl: postgres.url, embeddedDatabase: false }, { LOG_LEVEL: process.env.OUTAGE_LOG_LEVEL ?? 'fatal' });
    ccClient = await createClient(server, { grants: ['client_credentials'] });
    codeClient = await createClient(server, { grants: ['authorization_code', 'refresh_token'], refreshCount: { mode: 'limited', limit: REFRESH_LIMIT } });
    clientId = ccClient.clientId;
    await createUser(server, 'outage-user', 'outage-password-1');
    await seedCodes();

    let phase: 'load' | 'done' = 'load';
    const load = runLoad(withRefreshHandOff(operations()), outcomes, { workers: 6, maxRequests: 20_000, until: () => phase === 'done', deadlineMs: 60_000 });
    try {
      // Every kind of request is flowing (and so in flight) when the sessions are cut.
      await eventually(
        () => operations().every(({ name }) => outcomes.some((o) => o.op === name && o.status < 300)),
        20_000,
        'every operation to succeed once',
      );
      stopAt = performance.now();
      await postgres.stop();
      downAt = performance.now();
      const outageEnds = performance.now() + OUTAGE_MS;
      while (performance.now() < outageEnds) {
        ready.during.push(await readiness());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      restartingAt = performance.now();
      await postgres.start();
      upAt = performance.now();
      // Recovered: every kind of request succeeds again, on the same process and pool.
      await eventually(
        () => operations().every(({ name }) => outcomes.some((o) => o.op === name && o.startedAt > upAt && o.status < 300)),
        20_000,
        'every operation to succeed after the restart',
      );
    } finally {
      phase = 'done';
      await load;
    }
    ready.after = await readiness();

    /** A successful exchange or refresh hands its refresh token on, so that refreshes go on through the outage. */
    function withRefreshHandOff(ops: Operation[]): Operation[] {
      return ops.map((op) => ({
        name: op.name,
        run: () => {
          const pending = op.run();
          return pending?.then((answer) => {
            if (answer.status === 200 && typeof answer.body.refresh_token === 'string') refreshTokens.push(answer.body.refresh_token);
            return answer;
          });
        },
      }));
    }
  });

  afterAll(async () => {
    await server?.close();
    await postgres?.destroy();
  });

  it('fails fast during the outage: 503 temporarily_unavailable on /oauth, a 503 problem on /admin, never 500', () => {
    expect(outcomes.length).toBeGreaterThan(50);
    const slowest = outcomes.reduce((max, o) => (o.ms > max.ms ? o : max));
    expect(slowest.ms).toBeLessThan(HANG_MS);
    expect(outcomes.filter((o) => o.status !== 503 && o.status >= 300)).toEqual([]);
    const unavailable = outcomes.filter((o) => o.status === 503);
    // A request that arrives while PostgreSQL is away is refused at once (those cut in flight are bounded by HANG_MS).
    expect(unavailable.filter((o) => o.startedAt > downAt && o.ms >= FAST_MS)).toEqual([]);
    // Requests were in flight when the sessions were cut: each kind had succeeded just before.
    for (const { name } of operations()) expect(outcomes.some((o) => o.op === name && o.status < 300 && o.startedAt < stopAt)).toBe(true);
    for (const o of unavailable.filter(({ path }) => path.startsWith('/oauth'))) {
      expect(o.contentType).toContain('application/json');
      expect(o.body).toMatchObject({ error: 'temporarily_unavailable' });
    }
    for (const o of unavailable.filter(({ path }) => path.startsWith('/admin'))) {
      expect(o.contentType).toContain('application/problem+json');
      expect(o.body).toMatchObject({ status: 503, title: expect.any(String) });
    }
    // Every kind of request met the outage.
    const during = outcomes.filter((o) => o.startedAt > downAt && o.startedAt + o.ms < restartingAt);
    // Named on failure: which kind of request never met it (a run under load once had one).
    expect(operations().filter(({ name }) => !during.some((o) => o.op === name && o.status === 503)).map(({ name }) => name)).toEqual([]);
    expect(during.every((o) => o.status === 503)).toBe(true);
    const slow = [...outcomes]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((o) => `${o.op} ${o.status} ${o.ms.toFixed(0)}ms at ${(o.startedAt - stopAt).toFixed(0)}`);
    console.log(`[postgres outage] restart took ${(upAt - restartingAt).toFixed(0)} ms; slowest: ${slow.join(', ')}`);
    console.log(
      `[postgres outage] ${outcomes.length} requests, ${unavailable.length} answered 503, slowest ${slowest.ms.toFixed(0)} ms (${slowest.op}), slowest 503 ${Math.max(...unavailable.map((o) => o.ms)).toFixed(0)} ms`,
    );
  });

  it('reports not ready during the outage and ready after, without restarting the app', () => {
    expect(ready.during.length).toBeGreaterThan(3);
    expect(ready.during.every((status) => status === 503)).toBe(true);
    expect(ready.after).toBe(200);
    expect(upAt).toBeGreaterThan(restartingAt);
  });

  it('leaves no half-done grant: every 200 is stored, grants and spent codes go together both ways, refresh counters add up', async () => {
    for (const o of outcomes.filter((x) => x.status === 200 && x.path === '/oauth/token' && x.op !== 'refresh_token')) {
      const [row] = await sql<{ code: string | null; consumed: boolean | null }>(
        server,
        `SELECT g.authorization_code_hash AS code, c.consumed_at IS NOT NULL AS consumed
           FROM grants g LEFT JOIN authorization_codes c ON c.code_hash = g.authorization_code_hash WHERE g.id = $1`,
        [grantIdOf(o.body.access_token as string)],
      );
      expect(row).toBeDefined();
      if (o.op === 'authorization_code') expect(row).toEqual({ code: hashOpaqueValue(o.subject!), consumed: true });
    }
    const orphans = await sql(
      server,
      `SELECT g.id FROM grants g LEFT JOIN authorization_codes c ON c.code_hash = g.authorization_code_hash
      WHERE g.authorization_code_hash IS NOT NULL AND c.consumed_at IS NULL`,
    );
    expect(orphans).toEqual([]);
    const counters = await sql<{ id: string; remaining: number; generation: number; used: number }>(
      server,
      `SELECT g.id, g.refresh_remaining AS remaining, g.refresh_generation AS generation,
         (SELECT count(*)::int FROM used_refresh_tokens u WHERE u.grant_id = g.id) AS used
       FROM grants g WHERE g.client_ref = $1`,
      [codeClient.id],
    );
    expect(counters.length).toBeGreaterThan(0);
    for (const grant of counters) {
      expect(grant.remaining + grant.generation).toBe(REFRESH_LIMIT);
      expect(grant.used).toBe(grant.generation);
    }
    expect(counters.reduce((sum, g) => sum + g.generation, 0)).toBeGreaterThanOrEqual(
      outcomes.filter((o) => o.op === 'refresh_token' && o.status === 200).length,
    );
    // Atomic the other way too (F-10): a spent code always has its grant, so an exchange that got a
    // 503 left its code as it was and the client's retry can still succeed.
    const spentWithoutGrant = await sql(
      server,
      `SELECT c.code_hash FROM authorization_codes c
        WHERE c.client_ref = $1 AND c.consumed_at IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.authorization_code_hash = c.code_hash)`,
      [codeClient.id],
    );
    expect(spentWithoutGrant).toEqual([]);
    expect(outcomes.filter((o) => o.op === 'authorization_code' && o.status === 503).length).toBeGreaterThan(0);
  });

  it('a client retrying a code exchange that answered 503 gets its tokens or invalid_grant, and never a second grant', async () => {
    const retried = outcomes.filter((o) => o.op === 'authorization_code' && o.status === 503).slice(0, 20);
    expect(retried.length).toBeGreaterThan(0);
    const statuses: number[] = [];
    for (const { subject } of retried) {
      const answer = await postForm(
        server,
        '/oauth/token',
        { grant_type: 'authorization_code', code: subject! },
        { authorization: basic(codeClient.clientId, codeClient.secret) },
      );
      const body = (await answer.json()) as Record<string, unknown>;
      statuses.push(answer.status);
      if (answer.status !== 200) expect({ status: answer.status, error: body.error }).toEqual({ status: 400, error: 'invalid_grant' });
      const grants = await sql<{ revoked: boolean }>(server, 'SELECT revoked_at IS NOT NULL AS revoked FROM grants WHERE authorization_code_hash = $1', [
        hashOpaqueValue(subject!),
      ]);
      expect(grants).toEqual(answer.status === 200 ? [{ revoked: false }] : grants.map(() => ({ revoked: true })));
    }
    // The outage did not spend them (F-10): the retries get their tokens.
    expect(statuses).toContain(200);
  });

  it('PostgreSQL frozen (connections open, nothing answers): each request still ends in 503 within the driver timeouts, and service resumes on thaw', async () => {
    const timed = async (path: string, init: RequestInit) => {
      const started = performance.now();
      const response = await server.request(path, init);
      return { ...(await record(path, response)), ms: performance.now() - started };
    };
    postgres.freeze();
    let answers: Awaited<ReturnType<typeof timed>>[];
    try {
      answers = await Promise.all([
        timed('/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(ccClient.clientId, ccClient.secret) },
          body: 'grant_type=client_credentials',
        }),
        timed(`/admin/v1/clients/${clientId}`, { headers: { authorization: server.adminAuthorization } }),
        timed('/health/ready', {}),
      ]);
    } finally {
      postgres.thaw();
    }
    // All three answered while PostgreSQL was still frozen (the thaw comes after them): the driver's
    // timeouts ended them, whatever the machine's speed, so no bound in milliseconds here.
    for (const answer of answers) {
      expect({ path: answer.path, status: answer.status }).toEqual({ path: answer.path, status: 503 });
    }
    expect(answers[0].body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(answers[1].contentType).toContain('application/problem+json');
    console.log(`[postgres frozen] answered 503 after ${answers.map((a) => `${a.path} ${a.ms.toFixed(0)} ms`).join(', ')}`);
    await eventually(async () => (await readiness()) === 200, 15_000, 'ready after the thaw');
    const token = await postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(ccClient.clientId, ccClient.secret) });
    expect(token.status).toBe(200);
  });
});
