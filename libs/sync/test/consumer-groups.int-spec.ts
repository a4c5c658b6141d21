import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, openTestRedisStream, type TestRedisStream } from '#testing';
import { InProcessEventBus, InProcessPublisher } from '../src/index.js';
import { envelope, REDIS_URL } from './sync-test-kit.js';

/** What the auth server's dashboard shows per resource server: each consumer group's position. */
describe('RedisStreamPublisher.consumerGroups (real Redis)', () => {
  let redis: TestRedisStream;

  beforeAll(() => void (redis = openTestRedisStream(REDIS_URL, 'test:sync:groups')));
  afterAll(() => redis.close());

  it('is empty while the stream does not exist', async () => {
    expect(await redis.publisher.consumerGroups()).toEqual([]);
  });

  it('says per group what it has not acknowledged: undelivered plus pending, from the oldest pending entry', async () => {
    for (const seq of [1, 2, 3, 4, 5]) await redis.publisher.publish(envelope(seq));
    await redis.admin.xgroup('CREATE', redis.stream, 'rs-a', '0');
    await redis.admin.xgroup('CREATE', redis.stream, 'rs-b', '$');
    await redis.admin.xreadgroup('GROUP', 'rs-a', 'c1', 'COUNT', 3, 'STREAMS', redis.stream, '>');
    await redis.admin.xack(redis.stream, 'rs-a', '1-0');
    const groups = await redis.publisher.consumerGroups();
    const a = groups.find((group) => group.group === 'rs-a');
    const b = groups.find((group) => group.group === 'rs-b');
    expect(a).toEqual({ group: 'rs-a', consumers: 1, pending: 2, lastDeliveredSeq: 3, oldestUnackedSeq: 2, behind: 4, idleMs: expect.any(Number) });
    expect(b).toEqual({ group: 'rs-b', consumers: 0, pending: 0, lastDeliveredSeq: 5, oldestUnackedSeq: null, behind: 0, idleMs: null });
  });
});

describe('RedisStreamPublisher.consumerGroups idle time (real Redis)', () => {
  let redis: TestRedisStream;

  beforeAll(() => void (redis = openTestRedisStream(REDIS_URL, 'test:sync:idle')));
  afterAll(() => redis.close());

  it('does not call a live reader on a quiet stream idle (before Redis 7.2 idle counts from the last delivery)', async () => {
    await redis.publisher.publish(envelope(1));
    await redis.admin.xgroup('CREATE', redis.stream, 'rs-quiet', '0');
    await redis.admin.xreadgroup('GROUP', 'rs-quiet', 'c1', 'COUNT', 10, 'STREAMS', redis.stream, '>');
    await redis.admin.xack(redis.stream, 'rs-quiet', '1-0');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The instance is alive: it reads again (nothing new) right before the dashboard looks.
    await redis.admin.xreadgroup('GROUP', 'rs-quiet', 'c1', 'BLOCK', 10, 'COUNT', 10, 'STREAMS', redis.stream, '>');
    const [quiet] = await redis.publisher.consumerGroups();
    expect(quiet).toMatchObject({ group: 'rs-quiet', behind: 0 });
    // Redis 7.2+: the read just made; before: unknown. Never the 1.5 s since the last delivery.
    expect(quiet.idleMs === null || quiet.idleMs < 1500).toBe(true);
  });

  it('says how long a group with events to take has not taken them', async () => {
    await redis.publisher.publish(envelope(2));
    const [behind] = await redis.publisher.consumerGroups();
    expect(behind).toMatchObject({ group: 'rs-quiet', behind: 1, idleMs: expect.any(Number) });
  });
});

/** What the auth server removes when a resource-server instance is gone for good (F-4). */
describe('RedisStreamPublisher.destroyIdleConsumerGroup (real Redis)', () => {
  let redis: TestRedisStream;

  beforeAll(() => void (redis = openTestRedisStream(REDIS_URL, 'test:sync:expiry')));
  afterAll(() => redis.close());

  const read = (group: string, consumer: string) => redis.admin.xreadgroup('GROUP', group, consumer, 'COUNT', 1, 'STREAMS', redis.stream, '>');
  const groupNames = async () => (await redis.publisher.consumerGroups()).map((group) => group.group).sort();

  it('destroys a group only when every one of its consumers has been idle that long', async () => {
    await redis.publisher.publish(envelope(1));
    for (const group of ['rs-gone', 'rs-live', 'rs-empty']) await redis.admin.xgroup('CREATE', redis.stream, group, '0');
    await read('rs-gone', 'c1');
    await read('rs-live', 'c1');
    await eventually(() => redis.publisher.destroyIdleConsumerGroup('rs-gone', 1000), 10_000, 'rs-gone idle for a second');
    // rs-live's first consumer is as idle as rs-gone's was, but another one takes an entry now.
    await redis.publisher.publish(envelope(2));
    await read('rs-live', 'c2');
    expect(await redis.publisher.destroyIdleConsumerGroup('rs-live', 1000)).toBe(false);
    // No consumer at all: since when is unknown, so it stays.
    expect(await redis.publisher.destroyIdleConsumerGroup('rs-empty', 0)).toBe(false);
    expect(await redis.publisher.destroyIdleConsumerGroup('rs-gone', 0)).toBe(false);
    expect(await groupNames()).toEqual(['rs-empty', 'rs-live']);
  });
});

/** A group without consumers says nothing of its age: the publisher keeps when it first saw one so (F-4). */
describe('RedisStreamPublisher: groups without consumers (real Redis)', () => {
  let redis: TestRedisStream;

  beforeAll(() => void (redis = openTestRedisStream(REDIS_URL, 'test:sync:no-consumer')));
  afterAll(() => redis.close());

  it('counts from the first sighting, forgets a group that gained a reader, and destroys only one still without', async () => {
    await redis.publisher.publish(envelope(1));
    for (const group of ['rs-empty', 'rs-joined']) await redis.admin.xgroup('CREATE', redis.stream, group, '0');
    expect(await redis.publisher.timeWithoutConsumers(['rs-empty', 'rs-joined'])).toEqual(new Map([['rs-empty', 0], ['rs-joined', 0]]));
    await new Promise((resolve) => setTimeout(resolve, 100));

    // rs-joined has a reader now, so the job no longer names it: its sighting is dropped.
    await redis.admin.xreadgroup('GROUP', 'rs-joined', 'c1', 'COUNT', 1, 'STREAMS', redis.stream, '>');
    expect((await redis.publisher.timeWithoutConsumers(['rs-empty'])).get('rs-empty')).toBeGreaterThanOrEqual(50);
    expect((await redis.publisher.timeWithoutConsumers(['rs-empty', 'rs-joined'])).get('rs-joined')).toBe(0);

    expect(await redis.publisher.destroyGroupWithoutConsumers('rs-joined')).toBe(false);
    expect(await redis.publisher.destroyGroupWithoutConsumers('rs-empty')).toBe(true);
    expect((await redis.publisher.consumerGroups()).map((group) => group.group)).toEqual(['rs-joined']);
    // A group of that name created again starts a clock of its own.
    await redis.admin.xgroup('CREATE', redis.stream, 'rs-empty', '$');
    expect((await redis.publisher.timeWithoutConsumers(['rs-empty'])).get('rs-empty')).toBe(0);
  });
});

describe('InProcessPublisher.consumerGroups', () => {
  it("reads each group's acknowledged seq off the bus", async () => {
    const bus = new InProcessEventBus();
    const publisher = new InProcessPublisher(bus);
    for (const seq of [1, 2, 3]) await publisher.publish(envelope(seq));
    bus.ack('rs-a', 3);
    bus.ack('rs-b', 1);
    expect(await publisher.consumerGroups()).toEqual([
      { group: 'rs-a', consumers: 1, pending: 0, lastDeliveredSeq: 3, oldestUnackedSeq: null, behind: 0, idleMs: null },
      { group: 'rs-b', consumers: 1, pending: 0, lastDeliveredSeq: 1, oldestUnackedSeq: 2, behind: 2, idleMs: null },
    ]);
  });
});
