import { expect } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createRedisClient, envelopeFromFields } from '#sync';
import { ENFORCEMENT_WAIT_MS, eventually } from '#testing';
import { startStackAuthServer } from './stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { clientCredentialsToken, createStackClient, type StackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { INVALID_TOKEN_CHALLENGE, probe } from '../../apps/resource-server/test/support/probe.js';

/** Across a failover: the election, the client's reconnection, the relay's backoff, maybe a snapshot. */
export const RECOVERY_MS = 20_000;

/**
 * What the suites running the stack on a highly available Redis (cluster, Sentinel) look at: the
 * auth server's outbox, the stream as Redis holds it now (read through REDIS_URL, so through the
 * current master), and what one resource server enforces.
 */
export class StackOnRedis {
  private constructor(
    readonly as: RunningAuthServer,
    readonly rs: RunningResourceServer,
    private readonly redisUrl: string,
    private readonly stream: string,
  ) {}

  /** The real auth server and one real resource server, both on `redisUrl` and `stream`. */
  static async start(redisUrl: string, stream: string): Promise<StackOnRedis> {
    const as = await startStackAuthServer({ redisUrl, syncStream: stream });
    try {
      const rs = await startTestResourceServer({
        issuer: as.baseUrl,
        env: { LOG_LEVEL: process.env.STACK_LOG_LEVEL ?? 'error' },
        overrides: { redisUrl },
        syncStream: stream,
      });
      await rs.waitUntilReady(20_000);
      return new StackOnRedis(as, rs, redisUrl, stream);
    } catch (error) {
      await as.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.rs.close();
    await this.as.close();
  }

  async outboxSeqs(): Promise<{ all: number[]; unpublished: number }> {
    const rows: { seq: string; published: boolean }[] = await this.as.app
      .get(DataSource)
      .query('SELECT seq, published_at IS NOT NULL AS published FROM outbox_events ORDER BY seq');
    return { all: rows.map((row) => Number(row.seq)), unpublished: rows.filter((row) => !row.published).length };
  }

  async refused(token: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<void> {
    await eventually(async () => (await probe(this.rs, token)).status === 401, timeoutMs, 'the resource server to refuse the token');
    const refusal = await probe(this.rs, token);
    expect(refusal.status).toBe(401);
    expect(refusal.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  }

  async accepted(token: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<void> {
    await eventually(async () => (await probe(this.rs, token)).status === 200, timeoutMs, 'the resource server to accept the token');
  }

  /** A new client and a token of it that the resource server already accepts. */
  async clientWithToken(name: string, timeoutMs = ENFORCEMENT_WAIT_MS): Promise<{ client: StackClient; token: string }> {
    const client = await createStackClient(this.as, name);
    const token = await clientCredentialsToken(this.as, client);
    await this.accepted(token, timeoutMs);
    return { client, token };
  }

  /** The outbox is drained, and the resource server has applied its last event. */
  async caughtUp(): Promise<void> {
    await eventually(async () => (await this.outboxSeqs()).unpublished === 0, RECOVERY_MS, 'the relay to drain the outbox');
    const { all } = await this.outboxSeqs();
    const last = all[all.length - 1];
    await eventually(() => this.rs.lastAppliedSeq() >= last, RECOVERY_MS, `the resource server to reach seq ${last}`);
  }

  /** The seqs the stream holds now. */
  async streamSeqs(): Promise<number[]> {
    const redis = createRedisClient(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const entries = await redis.xrange(this.stream, '-', '+');
      return entries.map(([, fields]) => envelopeFromFields(fields)?.seq ?? -1);
    } finally {
      redis.disconnect();
    }
  }

  snapshotLoadedAt(): number | undefined {
    return this.rs.registry().syncState().snapshotLoadedAt?.getTime();
  }
}
