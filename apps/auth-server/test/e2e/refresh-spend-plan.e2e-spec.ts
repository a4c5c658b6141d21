import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { SPEND_REFRESH_SQL } from '../../src/tokens/grants.repository.js';
import { createClient, sql, type TestClient } from '../support/token-fixtures.js';

jest.setTimeout(90_000);

const GRANTS = 20_000;

/** Index names anywhere in an EXPLAIN (FORMAT JSON) plan. */
function indexesOf(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(indexesOf);
  if (plan === null || typeof plan !== 'object') return [];
  const node = plan as Record<string, unknown>;
  return [...(typeof node['Index Name'] === 'string' ? [node['Index Name']] : []), ...Object.values(node).flatMap(indexesOf)];
}

/**
 * Issue 19 (flat cost): a refresh is found by its token's unique index, whatever the statistics
 * say. With statistics taken while the grants table was small and the table filled since (a new
 * deployment's first busy hour; autovacuum has not analyzed yet), the planner took the client's
 * page index instead and every refresh walked all the client's grants: 60 refreshes a second
 * instead of 525 in the flat-cost bench.
 */
describe('refresh spend plan with stale statistics', () => {
  let server: RunningAuthServer;
  let client: TestClient;

  /** `count` live grants of `owner`, each with a refresh token hashed as md5(prefix + i). */
  async function insertGrants(owner: TestClient, count: number, prefix: string): Promise<void> {
    await sql(
      server,
      `INSERT INTO grants (client_ref, client_id, grant_type, scopes, access_expires_at, refresh_token_hash, refresh_unlimited)
       SELECT $1, $2, 'authorization_code', '["read"]', now() + interval '1 hour', md5($3 || i::text), true FROM generate_series(1, $4::int) AS i`,
      [owner.id, owner.clientId, prefix, count],
    );
  }

  beforeAll(async () => {
    server = await startTestAuthServer();
    client = await createClient(server, { grants: ['authorization_code', 'refresh_token'] });
    // Statistics from when the table held a few hundred grants, none of them this client's.
    const earlier = await createClient(server);
    await insertGrants(earlier, 300, 'earlier');
    await sql(server, 'VACUUM ANALYZE grants');
    await insertGrants(client, GRANTS, '');
  });

  afterAll(async () => {
    await server?.close();
  });

  it("uses the refresh token's unique index, not the client's grants", async () => {
    const [row] = await sql<{ 'QUERY PLAN': unknown }>(server, `EXPLAIN (FORMAT JSON) ${SPEND_REFRESH_SQL}`, [md5Of(GRANTS / 2), client.id, 'next-hash', null]);
    const plan = typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'];
    expect(indexesOf(plan)).toEqual(['grants_refresh_token_hash_key']);
  });

  it('spends the token of its client only', async () => {
    const spend = (clientRef: string) => sql<{ id: string }>(server, SPEND_REFRESH_SQL, [md5Of(7), clientRef, 'next-7', null]);
    const other = await createClient(server);
    expect(await spend(other.id)).toEqual([]);
    expect(await spend(client.id)).toEqual([{ id: expect.any(String), refresh_token_hash: 'next-7' }]);
    expect(await spend(client.id)).toEqual([]);
  });
});

function md5Of(i: number): string {
  return createHash('md5').update(String(i)).digest('hex');
}
