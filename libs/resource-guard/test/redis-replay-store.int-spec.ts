import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Pipeline, Redis } from 'ioredis';
import { eventually, redisServerAvailable, TestRedis } from '#testing';
import { RedisReplayStore } from '../src/auth/redis-replay-store.js';

const inAMinute = () => Date.now() / 1000 + 60;

/** Two replicas' stores on one throwaway redis-server (stopped and started again below). */
(redisServerAvailable() ? describe : describe.skip)('RedisReplayStore (real Redis): used DPoP proof ids shared between replicas', () => {
  let redis: TestRedis;
  let replicaA: RedisReplayStore;
  let replicaB: RedisReplayStore;
  /** The number of SETs in each pipeline sent while the spy is on. */
  let pipelines: jest.SpiedFunction<Pipeline['exec']>;
  const pipelineSizes = () => pipelines.mock.contexts.map((pipeline) => (pipeline as Pipeline).length);

  beforeAll(async () => {
    redis = await TestRedis.start();
    replicaA = new RedisReplayStore(redis.url);
    replicaB = new RedisReplayStore(redis.url);
    await untilShared();
  });
  afterEach(() => pipelines?.mockRestore());
  afterAll(async () => {
    replicaA?.onApplicationShutdown();
    replicaB?.onApplicationShutdown();
    await redis?.stop();
  });

  /** Until an id claimed at `first` (replica A) is refused at replica B: both are connected (a claim made meanwhile is decided alone). */
  const untilShared = (first: RedisReplayStore = replicaA) =>
    eventually(
      async () => {
        const id = randomUUID();
        await first.firstUse(id, inAMinute());
        return !(await replicaB.firstUse(id, inAMinute()));
      },
      10_000,
      'both replicas to share their ids through Redis',
    );
  const claimAll = (replica: RedisReplayStore, ids: string[]) => Promise.all(ids.map((id) => replica.firstUse(id, inAMinute())));

  it('sends the ids claimed in one event-loop turn as one pipeline, and refuses each at the other replica', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    pipelines = jest.spyOn(Pipeline.prototype, 'exec');
    expect(await claimAll(replicaA, ids)).toEqual(ids.map(() => true));
    expect(pipelineSizes()).toEqual([20]);

    expect(await claimAll(replicaB, ids)).toEqual(ids.map(() => false));
    expect(pipelineSizes()).toEqual([20, 20]);
    // Each id expires with its proof's window (60 s here).
    const reader = new Redis(redis.url);
    try {
      const ttl = await reader.ttl(`portcullis:dpop-jti:${ids[0]}`);
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
    } finally {
      reader.disconnect();
    }
  });

  it('answers each id of a pipeline on its own: ids used before are refused, new ones admitted', async () => {
    const used = randomUUID();
    expect(await replicaA.firstUse(used, inAMinute())).toBe(true);
    const fresh = [randomUUID(), randomUUID()];
    expect(await claimAll(replicaB, [fresh[0], used, fresh[1]])).toEqual([true, false, true]);
    // The same id twice in one turn at one replica: its own memory refuses the second before Redis is asked.
    const twice = randomUUID();
    expect(await claimAll(replicaA, [twice, twice])).toEqual([true, false]);
  });

  it('while Redis does not answer (paused) a pipeline times out and each replica decides alone', async () => {
    redis.pause();
    try {
      const id = randomUUID();
      expect(await claimAll(replicaA, [id, randomUUID()])).toEqual([true, true]);
      expect(await replicaA.firstUse(id, inAMinute())).toBe(false);
    } finally {
      redis.resume();
    }
    await untilShared();
  });

  it('after Redis failed to answer, decides alone at once, without asking it, until the retry delay has passed', async () => {
    // A replica that waits ten minutes before asking again: nothing it decides meanwhile may reach Redis.
    const patient = new RedisReplayStore(redis.url, undefined, 600_000);
    try {
      await untilShared(patient);
      const id = randomUUID();
      redis.pause();
      try {
        // The first claim waits for the command's timeout, then starts the delay.
        expect(await patient.firstUse(randomUUID(), inAMinute())).toBe(true);
        pipelines = jest.spyOn(Pipeline.prototype, 'exec');
        expect(await claimAll(patient, [id, randomUUID()])).toEqual([true, true]);
        expect(await patient.firstUse(id, inAMinute())).toBe(false);
        expect(pipelineSizes()).toEqual([]);
      } finally {
        redis.resume();
      }
      // Decided by the patient replica's memory alone: the other replica has not seen it.
      expect(await replicaB.firstUse(id, inAMinute())).toBe(true);
    } finally {
      patient.onApplicationShutdown();
    }
  });

  it('while Redis is down each replica decides alone, and the ids are shared again once it is back', async () => {
    await redis.stop();
    try {
      const id = randomUUID();
      expect(await claimAll(replicaA, [id, randomUUID()])).toEqual([true, true]);
      expect(await replicaA.firstUse(id, inAMinute())).toBe(false);
      // Not shared meanwhile: the other replica has not seen it.
      expect(await replicaB.firstUse(id, inAMinute())).toBe(true);
    } finally {
      await redis.start();
    }
    // The next claims after the reconnection are shared again.
    await untilShared();
    const after = randomUUID();
    expect(await claimAll(replicaA, [after])).toEqual([true]);
    expect(await replicaB.firstUse(after, inAMinute())).toBe(false);
  });
});
