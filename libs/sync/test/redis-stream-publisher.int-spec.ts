import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestRedisStream, type TestRedisStream } from '#testing';
import { envelope, REDIS_URL } from './sync-test-kit.js';

/** What the relay's tail check reads (OutboxRelay.checkStreamTail): the highest seq the stream ever took. */
describe('RedisStreamPublisher.lastSeqTaken (real Redis)', () => {
  let redis: TestRedisStream;

  beforeAll(() => void (redis = openTestRedisStream(REDIS_URL, 'test:sync:last-seq')));
  afterAll(() => redis.close());

  it('is null while the stream does not exist, and while a consumer group created it empty (Redis restarted empty)', async () => {
    expect(await redis.publisher.lastSeqTaken()).toBeNull();
    await redis.admin.xgroup('CREATE', redis.stream, 'rs-a', '0', 'MKSTREAM');
    expect(await redis.publisher.lastSeqTaken()).toBeNull();
  });

  it('is the seq of the newest event published', async () => {
    for (const seq of [1, 2, 3]) await redis.publisher.publish(envelope(seq));
    expect(await redis.publisher.lastSeqTaken()).toBe(3);
  });

  it('stays there when entries are deleted or trimmed: only a stream that really went back reads lower', async () => {
    await redis.admin.xdel(redis.stream, '3-0');
    await redis.admin.xtrim(redis.stream, 'MAXLEN', 0);
    expect(await redis.publisher.lastSeqTaken()).toBe(3);
  });
});
