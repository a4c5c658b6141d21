import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { InProcessEventBus } from '#sync';
import { eventually } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { clientCredentialsToken, createStackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { DbFingerprint, fuzz, fuzzRoutes, fuzzRuns, type FuzzTarget } from '#testing/fuzz';
import type { OpenApiDocument } from '#testing/openapi-coverage';

// `npm test` runs a bounded share; `npm run fuzz` raises FUZZ_RUNS (docs/fuzzing.md).
const RUNS = fuzzRuns(300);
jest.setTimeout(60_000 + RUNS * 400);

/** The whole projection: no refused request may touch any of it. */
const WATCHED = ['clients', 'scopes', 'client_scopes', 'revoked_grants', 'client_revocations', 'sync_state'].map((name) => ({ name }));

/**
 * The real resource server behind the real auth server (in-process bus), so that the tokens it
 * is fuzzed with are genuine: an rs.admin token for its admin API, reports.* and scopeless ones
 * for the demo API, alongside forged and garbage ones.
 */
describe('resource server under fuzzing: every route, random and malformed input', () => {
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  let fingerprint: DbFingerprint;
  let db: pg.Client;
  const tokens: Record<string, string> = {};
  const protectedClients: string[] = [];
  let clientPool: string[] = [];

  beforeAll(async () => {
    const bus = new InProcessEventBus();
    as = await startStackAuthServer({ syncEventBus: bus });
    rs = await startTestResourceServer({ issuer: as.baseUrl, bus });
    await rs.waitUntilReady(20_000);
    const admin = await createStackClient(as, 'Fuzz RS Admin', ['rs.admin']);
    const reports = await createStackClient(as, 'Fuzz Reports', ['reports.read', 'reports.write']);
    const plain = await createStackClient(as, 'Fuzz Plain');
    for (let i = 0; i < 3; i++) await createStackClient(as, `Fuzz Victim ${i}`, ['victim.scope']);
    protectedClients.push(admin.clientId, reports.clientId, plain.clientId);
    tokens.admin = await clientCredentialsToken(as, admin, 'rs.admin');
    tokens.reports = await clientCredentialsToken(as, reports, 'reports.read reports.write');
    tokens.plain = await clientCredentialsToken(as, plain);
    db = new pg.Client({ connectionString: rs.database.url });
    await db.connect();
    // Every registry event must be applied before the first fingerprint, or sync would look like a write.
    await eventually(async () => Number((await db.query('SELECT count(*) AS n FROM clients')).rows[0].n) >= 7, 10_000, 'the clients to reach the projection');
    await eventually(async () => (await rs.request('/api/me', { token: tokens.admin })).status === 200, 10_000, 'the admin token to be accepted');
    fingerprint = await DbFingerprint.open(rs.database.url, WATCHED);
  });
  afterAll(async () => {
    await fingerprint?.close();
    await db?.end();
    await rs?.close();
    await as?.close();
  });

  async function refreshPool(): Promise<void> {
    const { rows } = await db.query<{ client_id: string }>('SELECT client_id FROM clients WHERE client_id <> ALL($1) ORDER BY name, client_id', [
      protectedClients,
    ]);
    clientPool = rows.map((r) => r.client_id);
  }

  function target(document: OpenApiDocument): FuzzTarget {
    const bearer = (name: string) => (): [string, string][] => [['authorization', `Bearer ${tokens[name]}`]];
    return {
      port: () => Number(new URL(rs.baseUrl).port),
      routes: fuzzRoutes(rs.app, document),
      document,
      fingerprint,
      htmlErrorPaths: /^$/,
      prepare: refreshPool,
      context: {
        port: 0,
        pool: (_route, param) => (param === 'clientId' ? clientPool : []),
        fieldPool: () => [],
        credentials: {
          rsAdmin: { weight: 6, headers: bearer('admin') },
          reports: { weight: 3, headers: bearer('reports') },
          plain: { weight: 1, headers: bearer('plain') },
          // A genuine token sent twice, or with a bogus one: which one counts?
          duplicated: { weight: 1, headers: () => [...bearer('admin')(), ...bearer('plain')()] },
        },
      },
    };
  }

  it('answers every generated request with a 4xx or better, no internals, and no write when it refuses', async () => {
    const document = (await (await rs.request('/docs/openapi.json')).json()) as OpenApiDocument;
    const fuzzTarget = target(document);
    expect(fuzzTarget.routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['PATCH /admin/v1/clients/:clientId', 'POST /api/reports']));
    const stats = await fuzz(fuzzTarget, RUNS);
    console.log(
      `resource-server fuzz: ${stats.runs} requests over ${fuzzTarget.routes.length} routes in ${stats.milliseconds} ms; statuses ${JSON.stringify(stats.statuses)}, parser refusals ${stats.parserRefusals}, known issues ${JSON.stringify(stats.knownIssues)}`,
    );
    expect(stats.runs).toBeGreaterThanOrEqual(RUNS);
    const passed = Object.entries(stats.statuses).filter(([status]) => ![401, 403].includes(Number(status)));
    expect(passed.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(stats.runs / 3);
  });
});
