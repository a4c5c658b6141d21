import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GroupCommit } from '#database/group-commit';
import { MemoryReplayStore, type ReplayStore } from '#dpop';
import { createRedisClient, type RedisClient } from '#sync';

/** Where used proof ids live in Redis: one key each, expiring when the proof could no longer be accepted. */
const KEY_PREFIX = 'portcullis:dpop-jti:';
/** A request waits this long at most for Redis before this process's own memory decides alone. */
const COMMAND_TIMEOUT_MS = 250;
/** Once Redis failed to answer, it is asked again no sooner than this; meanwhile memory decides at once. */
const DEFAULT_RETRY_AFTER_MS = 1000;
/** Pipelines on their way at once; ids arriving meanwhile wait and leave together in the next one. */
const MAX_PIPELINES_IN_FLIGHT = 2;
const MAX_IDS_PER_PIPELINE = 512;

interface Claim {
  key: string;
  seconds: number;
  resolve: (answer: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The resource servers' shared store of used DPoP proof ids, on the Redis that already carries
 * their events: `SET NX` with the proof's remaining window as expiry, so a proof replayed at another
 * replica behind the same load balancer is refused too. This process's memory answers first (a
 * replay to the same replica costs no round trip) and alone while Redis is unreachable, so an outage
 * narrows the check to one replica for its duration instead of refusing every DPoP request.
 *
 * The `SET`s of one event-loop turn leave as one pipeline (GroupCommit): one socket write for the
 * lot instead of one each, which under load was a fifth of the event loop's busy time (on loopback
 * a write runs Redis's side of TCP too). ioredis's own auto-pipelining flushes on process.nextTick,
 * so it joins only the commands of one request's callback, never those of the turn's other requests.
 * A Redis Cluster still gets one command per id (claimInRedis).
 *
 * After a claim a connected Redis did not answer in time, the ids of the next `retryAfterMs` are
 * decided by memory alone without asking (then the next claims ask again, and their answer ends or
 * extends the wait): a Redis that hangs would otherwise hold every DPoP request for a timeout, and
 * the requests queued behind the pipelines in flight for more than one.
 */
export class RedisReplayStore implements ReplayStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisReplayStore.name);
  private readonly redis: RedisClient;
  /** Since a claim failed and until one succeeds again (logged once each way). */
  private unreachable = false;
  /** After Redis hung: not asked before this time (Date.now() ms); 0 once it answers. */
  private askAgainAt = 0;
  private readonly claims = new GroupCommit<Claim>((batch) => this.setAll(batch), MAX_PIPELINES_IN_FLIGHT, MAX_IDS_PER_PIPELINE);

  constructor(
    redisUrl: string,
    private readonly local: ReplayStore = new MemoryReplayStore(),
    private readonly retryAfterMs = DEFAULT_RETRY_AFTER_MS,
  ) {
    this.redis = createRedisClient(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  async firstUse(key: string, expiresAtSeconds: number): Promise<boolean> {
    if (!(await this.local.firstUse(key, expiresAtSeconds))) return false;
    if (this.askAgainAt !== 0 && Date.now() < this.askAgainAt) return true;
    const seconds = Math.max(1, Math.ceil(expiresAtSeconds - Date.now() / 1000));
    try {
      const answer = await this.claimInRedis(KEY_PREFIX + key, seconds);
      this.askAgainAt = 0;
      if (this.unreachable) {
        this.logger.log('Redis answers again: DPoP proof ids are shared with the other replicas again');
        this.unreachable = false;
      }
      return answer === 'OK';
    } catch (error) {
      // Connected, yet no answer in time (a hang): wait before asking again. Without a connection
      // ioredis refuses at once (no offline queue), which costs no request any time.
      if (this.redis.status === 'ready') this.askAgainAt = Date.now() + this.retryAfterMs;
      if (!this.unreachable) {
        this.unreachable = true;
        this.logger.warn(`Redis did not answer (${(error as Error).message}): DPoP proof ids are checked by this replica alone until it does`);
      }
      return true;
    }
  }

  /** Redis's answer to `SET key 1 EX seconds NX`: "OK" for the first use. */
  private claimInRedis(key: string, seconds: number): Promise<unknown> {
    // A Cluster spreads the ids over its masters' slots, and a pipeline must stay on one node: there each id is its own command.
    if (this.redis.isCluster) return this.redis.set(key, '1', 'EX', seconds, 'NX');
    return new Promise((resolve, reject) => this.claims.add({ key, seconds, resolve, reject }));
  }

  /** One pipeline of `SET key 1 EX seconds NX`: each claim hears its own answer, or the pipeline's failure. */
  private async setAll(batch: Claim[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const { key, seconds } of batch) pipeline.set(key, '1', 'EX', seconds, 'NX');
    try {
      const answers = await pipeline.exec();
      batch.forEach((claim, index) => {
        const [error, answer] = answers?.[index] ?? [new Error('Redis returned no answer for the pipeline'), null];
        if (error) claim.reject(error);
        else claim.resolve(answer);
      });
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
