import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deadLetterStreamOf, groupsWithoutConsumersKeyOf, RedisStreamPublisher } from '#sync';

/** A stream of its own on a running Redis, with the publisher under test and a plain client to arrange what it reads. */
export interface TestRedisStream {
  readonly stream: string;
  readonly publisher: RedisStreamPublisher;
  /** Consumer groups, acks, deletions: what the resource servers and Redis itself do to the stream. */
  readonly admin: Redis;
  /** Deletes the stream, its dead letters and the publisher's record of groups without consumers, and closes both connections. */
  close(): Promise<void>;
}

/**
 * `redisUrl`: the shared Redis (TEST_REDIS_URL) or a TestRedis's url. The random suffix keeps
 * suites that share a Redis apart; nothing connects before the first command (lazyConnect).
 */
export function openTestRedisStream(redisUrl: string, prefix: string): TestRedisStream {
  const stream = `${prefix}:${randomUUID()}`;
  const publisher = new RedisStreamPublisher({ redisUrl, stream });
  const admin = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  return {
    stream,
    publisher,
    admin,
    async close() {
      await admin.del(stream, deadLetterStreamOf(stream), groupsWithoutConsumersKeyOf(stream));
      admin.disconnect();
      await publisher.close();
    },
  };
}
