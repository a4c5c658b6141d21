import { describe, expect, it } from '@jest/globals';
import { ServerBusy } from '#errors';
import { HashingQueue } from './hashing-queue.js';

/** A stand-in for a slow hash: it finishes only when the test says so. */
function slowTask(): { task: () => Promise<string>; finish: (value: string) => void } {
  let finish: (value: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => (finish = resolve));
  return { task: () => done, finish: (value) => finish(value) };
}

describe('HashingQueue', () => {
  it('runs up to its slots, queues up to its bound, refuses the rest at once with ServerBusy; a freed place is usable again', async () => {
    const queue = new HashingQueue(1, 2);
    const tasks = Array.from({ length: 5 }, slowTask);
    const results = tasks.map(({ task }) =>
      queue.run(task).then(
        (value) => value,
        (error: unknown) => error,
      ),
    );
    // 1 running + 2 waiting are admitted; the 4th and 5th are refused without waiting for anything.
    const refused = await Promise.all([results[3], results[4]]);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ServerBusy);
      expect((error as ServerBusy).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    expect(queue.load()).toEqual({ running: 1, waiting: 2 });

    tasks[0].finish('first');
    expect(await results[0]).toBe('first');
    const again = slowTask();
    const admitted = queue.run(again.task);
    await expect(queue.run(slowTask().task)).rejects.toBeInstanceOf(ServerBusy);
    for (const [index, { finish }] of tasks.entries()) finish(`task ${index}`);
    again.finish('again');
    expect(await Promise.all([results[1], results[2], admitted])).toEqual(['task 1', 'task 2', 'again']);
    expect(queue.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('a bound of 0 queues nothing: only the slots run', async () => {
    const queue = new HashingQueue(2, 0);
    const running = [slowTask(), slowTask()];
    const admitted = running.map(({ task }) => queue.run(task));
    await expect(queue.run(slowTask().task)).rejects.toBeInstanceOf(ServerBusy);
    running.forEach(({ finish }, index) => finish(String(index)));
    expect(await Promise.all(admitted)).toEqual(['0', '1']);
  });

  it('a failing task frees its place too', async () => {
    const queue = new HashingQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    await expect(queue.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
