import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { envelopeFromFields } from '#sync';
import { eventually, redisServerAvailable, TestRedis } from '#testing';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient, type StackClient } from '../support/test-clients.js';
import { sql } from '../support/token-fixtures.js';

jest.setTimeout(90_000);

const ROUNDS = 8;

/**
 * SECURITY-CHECKLIST F-1: with its Redis down (refusing) or paused (hung, like `docker pause`),
 * the auth server keeps issuing tokens and committing admin changes (no timing here: that a
 * waiting relay holds up no query is sync-relay-hold's test, the latency is the bench's), the
 * outbox backlog grows, and once Redis is back the relay publishes the backlog in seq order
 * with nothing lost.
 */
(redisServerAvailable() ? describe : describe.skip)('the auth server while its Redis is away (F-1)', () => {
  let redis: TestRedis;
  let server: RunningAuthServer;
  let reader: Redis;
  let client: StackClient;
  const stream = `portcullis:test:redis-outage:${randomUUID()}`;

  async function unpublishedSeqs(): Promise<number[]> {
    const rows = await sql<{ seq: string }>(server, 'SELECT seq FROM outbox_events WHERE published_at IS NULL ORDER BY seq');
    return rows.map((row) => Number(row.seq));
  }

  async function lastSeq(): Promise<number> {
    const [row] = await sql<{ seq: string | null }>(server, 'SELECT max(seq) AS seq FROM outbox_events');
    return Number(row.seq ?? 0);
  }

  /** What the stream holds above `afterSeq`, in stream order: seq and the envelope's kind and entity. */
  async function streamAfter(afterSeq: number): Promise<{ seq: number; kind: string; entityId: string }[]> {
    const entries = await reader.xrange(stream, `${afterSeq + 1}-0`, '+');
    return entries.map(([, fields]) => {
      const envelope = envelopeFromFields(fields) as { seq: number; kind: string; entityId: string };
      return { seq: envelope.seq, kind: envelope.kind, entityId: envelope.entityId };
    });
  }

  async function outboxAfter(afterSeq: number): Promise<{ seq: number; kind: string; entityId: string }[]> {
    const rows = await sql<{ seq: string; kind: string; entity_id: string }>(
      server,
      'SELECT seq, kind, entity_id FROM outbox_events WHERE seq > $1 ORDER BY seq',
      [afterSeq],
    );
    return rows.map((row) => ({ seq: Number(row.seq), kind: row.kind, entityId: row.entity_id }));
  }

  /** One token and one admin write (a scope, and the client toggled: two events) per round. */
  async function rounds(label: string): Promise<void> {
    for (let i = 0; i < ROUNDS; i++) {
      await clientCredentialsToken(server, client);
      await adminOk(server, 'POST', '/admin/v1/scopes', { name: `${label}-${i}`, description: label });
      await adminOk(server, 'PATCH', `/admin/v1/clients/${client.clientId}`, { description: `${label} ${i}` });
    }
  }

  async function drained(): Promise<void> {
    await eventually(async () => (await unpublishedSeqs()).length === 0, 15_000, 'the relay to drain the outbox');
  }

  beforeAll(async () => {
    redis = await TestRedis.start();
    // The relay warns while Redis is away: expected here.
    server = await startTestAuthServer({ redisUrl: redis.url, syncStream: stream }, { LOG_LEVEL: 'fatal' });
    reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    reader.on('error', () => undefined);
    client = await createStackClient(server, 'Redis Outage Client');
    await drained();
  });

  afterAll(async () => {
    reader?.disconnect();
    await server?.close();
    await redis?.stop();
  });

  it('Redis down: issuing and administering go on; after it comes back (empty) the backlog is published in order, complete', async () => {
    await rounds('redis-up');
    await drained();
    const before = await lastSeq();

    await redis.stop();
    await rounds('redis-down');
    const backlog = await unpublishedSeqs();

    // Two events per round, all committed and waiting, and nothing from before the outage among them.
    expect(backlog).toHaveLength(2 * ROUNDS);
    expect(backlog[0]).toBeGreaterThan(before);

    await redis.start();
    await drained();
    // The restarted Redis is empty: its stream holds exactly the backlog, in seq order.
    expect(await streamAfter(0)).toEqual(await outboxAfter(before));
  });

  it('Redis paused (connections open, no answers): the same, and the events before and after the pause keep their order', async () => {
    await rounds('redis-live');
    await drained();
    const before = await lastSeq();

    redis.pause();
    let backlog: number[];
    try {
      await rounds('redis-paused');
      backlog = await unpublishedSeqs();
    } finally {
      redis.resume();
    }
    expect(backlog).toHaveLength(2 * ROUNDS);
    expect(backlog[0]).toBeGreaterThan(before);

    await drained();
    const published = await streamAfter(0);
    expect(published.map((e) => e.seq)).toEqual([...published.map((e) => e.seq)].sort((a, b) => a - b));
    expect(published.filter((e) => e.seq > before)).toEqual(await outboxAfter(before));
  });
});
