import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { CapturedLogLines, createTestDatabase, type TestDatabase } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';

jest.setTimeout(90_000);

/**
 * Several auth-server instances started at once on one empty database (a deployment with two
 * replicas, docker-compose --scale): each one migrates and seeds at boot, and none may crash.
 */
// Embedded PGlite is one process: several instances cannot share it, so there is nothing to race.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('instances booting together on an empty database', () => {
  const servers: RunningAuthServer[] = [];
  let database: TestDatabase;
  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.drop();
  });

  it('all start at the first try (no error, no retry), the schema is migrated once and the seeds exist once', async () => {
    const logs = new CapturedLogLines();
    database = await createTestDatabase();
    const started = await Promise.allSettled([1, 2, 3].map(() => startTestAuthServer({ logDestination: logs }, {}, { database })));
    servers.push(...started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
    expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'started'))).toEqual(['started', 'started', 'started']);
    // TypeORM would retry a failed migration 3 s later, logging it: the boot must not need that.
    expect(logs.errorLines()).toEqual([]);
    const [first] = servers;
    const health = await Promise.all(servers.map(async (server) => (await server.request('/health/ready')).status));
    expect(health).toEqual([200, 200, 200]);
    const admins = await first.request('/admin/v1/users', { headers: { authorization: first.adminAuthorization } });
    expect(((await admins.json()) as { items: unknown[] }).items).toHaveLength(1);
    // One key per algorithm, and the OpenID Connect scopes created by exactly one instance.
    const dataSource = first.app.get(DataSource);
    expect(await dataSource.query('SELECT alg FROM signing_keys ORDER BY alg')).toEqual([{ alg: 'ES256' }, { alg: 'RS256' }]);
    const standard = await dataSource.query<{ kind: string }[]>(
      `SELECT kind FROM outbox_events WHERE kind = 'scope.upserted' AND entity_id IN ('openid', 'profile', 'email', 'phone', 'address', 'offline_access')`,
    );
    expect(standard).toHaveLength(6);
  });
});
