import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisStreamPublisher } from '../src/index.js';
import { envelope, REDIS_URL } from './sync-test-kit.js';

/** What the relay's tail check reads (OutboxRelay.checkStreamTail): the highest seq the stream ever took. */
describe('RedisStreamPublisher.lastSeqTaken (real Redis)', () => {
  const stream = `test:sync:last-seq:${randomUUID()}`;
  let publisher: RedisStreamPublisher;
  let admin: Redis;

  beforeAll(async () => {
    publisher = new RedisStreamPublisher({ redisUrl: REDIS_URL, stream });
    admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.del(stream);
    admin.disconnect();
    await publisher.close();
  });

  it('is null while the stream does not exist, and while a consumer group created it empty (Redis restarted empty)', async () => {
    expect(await publisher.lastSeqTaken()).toBeNull();
    await admin.xgroup('CREATE', stream, 'rs-a', '0', 'MKSTREAM');
    expect(await publisher.lastSeqTaken()).toBeNull();
  });

  it('is the seq of the newest event published', async () => {
    for (const seq of [1, 2, 3]) await publisher.publish(envelope(seq));
    expect(await publisher.lastSeqTaken()).toBe(3);
  });

  it('stays there when entries are deleted or trimmed: only a stream that really went back reads lower', async () => {
    await admin.xdel(stream, '3-0');
    await admin.xtrim(stream, 'MAXLEN', 0);
    expect(await publisher.lastSeqTaken()).toBe(3);
  });
});
