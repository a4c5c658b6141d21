import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { MemoryReplayStore, type ReplayStore } from '#dpop';
import { createRedisClient, type RedisClient } from '#sync';

/** Where used proof ids live in Redis: one key each, expiring when the proof could no longer be accepted. */
const KEY_PREFIX = 'portcullis:dpop-jti:';
/** A request waits this long at most for Redis before this process's own memory decides alone. */
const COMMAND_TIMEOUT_MS = 250;

/**
 * The resource servers' shared store of used DPoP proof ids, on the Redis that already carries
 * their events: `SET NX` with the proof's remaining window as expiry, so a proof replayed at another
 * replica behind the same load balancer is refused too. This process's memory answers first (a
 * replay to the same replica costs no round trip) and alone while Redis is unreachable, so an outage
 * narrows the check to one replica for its duration instead of refusing every DPoP request.
 */
export class RedisReplayStore implements ReplayStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisReplayStore.name);
  private readonly redis: RedisClient;
  private unreachableSince?: number;

  constructor(
    redisUrl: string,
    private readonly local: ReplayStore = new MemoryReplayStore(),
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
    const seconds = Math.max(1, Math.ceil(expiresAtSeconds - Date.now() / 1000));
    try {
      const answer = await this.redis.set(KEY_PREFIX + key, '1', 'EX', seconds, 'NX');
      if (this.unreachableSince !== undefined) {
        this.logger.log('Redis answers again: DPoP proof ids are shared with the other replicas again');
        this.unreachableSince = undefined;
      }
      return answer === 'OK';
    } catch (error) {
      if (this.unreachableSince === undefined) {
        this.unreachableSince = Date.now();
        this.logger.warn(`Redis did not answer (${(error as Error).message}): DPoP proof ids are checked by this replica alone until it does`);
      }
      return true;
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
