import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type pg from 'pg';
import { fetchRegistrySnapshot, readEventUnverified, RedisStreamsTransport, SyncEvents, type SyncEnvelope } from '#sync';
import { freePort } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { eventually, insertOutboxRow, RESOURCE_CLIENT, sqlClient, unpublishedCount } from '../support/sync-helpers.js';

// Booting the app on an embedded PGlite (no TEST_DATABASE_URL) takes longer than jest's default.
jest.setTimeout(60_000);

/** A throwaway Redis without persistence, so a restart comes back empty (F-2). */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = createServer().listen(port, '127.0.0.1');
        socket.once('listening', () => socket.close(() => resolve(false)));
        socket.once('error', () => resolve(true)); // taken: redis is listening
      }),
    5000,
  );
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('sync across a Redis restart (SECURITY-CHECKLIST F-1, F-2)', () => {
  let port: number;
  let redis: ChildProcess;
  let server: RunningAuthServer;
  let db: pg.Client;
  let transport: RedisStreamsTransport;
  const replica = { lastApplied: 0, applied: [] as number[], snapshots: 0 };

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const redisUrl = `redis://127.0.0.1:${port}`;
    server = await startTestAuthServer({ redisUrl, syncStream: `test:restart:${randomUUID()}` }, RESOURCE_CLIENT);
    db = await sqlClient(server.database.url);
    transport = new RedisStreamsTransport({
      redisUrl,
      stream: server.config.syncStream,
      group: 'rs-test',
      consumer: 'c1',
      // This replica tests delivery, not trust: the resource server verifies signatures.
      decode: async (raw) => readEventUnverified(raw),
      blockMs: 200,
      retryDelayMs: 50,
      lastAppliedSeq: async () => replica.lastApplied,
      // What the resource server does on a gap: load the snapshot, adopt its seq.
      onGap: async () => {
        const snapshot = await fetchRegistrySnapshot({
          issuer: server.baseUrl,
          clientId: RESOURCE_CLIENT.RESOURCE_CLIENT_ID,
          clientSecret: RESOURCE_CLIENT.RESOURCE_CLIENT_SECRET,
        });
        replica.snapshots++;
        replica.lastApplied = snapshot.seq;
      },
    });
    for (const kind of Object.values(SyncEvents)) {
      transport.addHandler(
        kind,
        async (envelope: SyncEnvelope) => {
          replica.applied.push(envelope.seq);
          replica.lastApplied = envelope.seq;
        },
        true,
      );
    }
    transport.listen(() => undefined);
  });
  afterAll(async () => {
    await transport?.close();
    await db?.end();
    await server?.close();
    if (redis) await kill(redis);
  });

  it('keeps the backlog in the outbox while Redis is down, relays it after the restart, and the consumer resyncs', async () => {
    const first = await insertOutboxRow(db, 'before-outage');
    await eventually(() => replica.lastApplied >= first);

    await kill(redis);
    await eventually(() => !transport.syncStatus().connected);
    // Writers only touch the outbox, so they keep working while Redis is down.
    const during = [await insertOutboxRow(db, 'during-outage-1'), await insertOutboxRow(db, 'during-outage-2')];
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await unpublishedCount(db)).toBe(2);

    redis = await startRedis(port);
    await eventually(async () => (await unpublishedCount(db)) === 0, 15_000);
    // The new, empty Redis lost the group: the consumer recreated it and loaded a snapshot that
    // covers everything, so nothing is lost and nothing is applied twice.
    await eventually(() => replica.lastApplied >= during[1], 15_000);
    expect(replica.snapshots).toBeGreaterThanOrEqual(1);
    expect(new Set(replica.applied).size).toBe(replica.applied.length);
    await eventually(() => transport.syncStatus().connected);

    const after = await insertOutboxRow(db, 'after-restart');
    await eventually(() => replica.applied.includes(after), 5000);
  });
});
