import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { CONFLICT_ATTEMPTS, inTransaction, retryConflicts } from './transaction.js';

/** What pg raises, as TypeORM wraps it (QueryFailedError keeps the driver error). */
function conflict(code: string): Error {
  return Object.assign(new Error('could not serialize access due to concurrent update'), { driverError: { code } });
}

/** Work that fails with `errors` in turn, then succeeds; counts its runs. */
function flaky(errors: Error[]): { work: () => Promise<string>; runs: () => number } {
  let runs = 0;
  return {
    work: async () => {
      const error = errors[runs++];
      if (error) throw error;
      return 'done';
    },
    runs: () => runs,
  };
}

const noPause = async () => undefined;

describe('retryConflicts (SECURITY-CHECKLIST F-11)', () => {
  it.each(['40001', '40P01'])('runs the work again after SQLSTATE %s and answers its result', async (code) => {
    const { work, runs } = flaky([conflict(code), conflict(code)]);
    await expect(retryConflicts(work, 3, noPause)).resolves.toBe('done');
    expect(runs()).toBe(3);
  });

  it('gives up after the bound and rethrows the last conflict', async () => {
    const last = conflict('40001');
    const { work, runs } = flaky([conflict('40001'), conflict('40P01'), last, conflict('40001')]);
    await expect(retryConflicts(work, 3, noPause)).rejects.toBe(last);
    expect(runs()).toBe(3);
  });

  it('is bounded by default', async () => {
    const { work, runs } = flaky(Array.from({ length: 50 }, () => conflict('40001')));
    await expect(retryConflicts(work)).rejects.toMatchObject({ driverError: { code: '40001' } });
    expect(runs()).toBe(CONFLICT_ATTEMPTS);
    expect(CONFLICT_ATTEMPTS).toBeLessThanOrEqual(5);
  });

  it.each([
    ['a unique violation', conflict('23505')],
    ['a lost connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an admin shutdown', conflict('57P01')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('does not retry %s', async (_, error) => {
    const { work, runs } = flaky([error]);
    await expect(retryConflicts(work, 3, noPause)).rejects.toBe(error);
    expect(runs()).toBe(1);
  });

  it('pauses a little longer before each new attempt', async () => {
    const pauses: number[] = [];
    const { work } = flaky([conflict('40001'), conflict('40001')]);
    await retryConflicts(work, 3, async (attempt) => void pauses.push(attempt));
    expect(pauses).toEqual([1, 2]);
  });
});

describe('inTransaction', () => {
  it('retries the whole transaction, a new one each time', async () => {
    const { work, runs } = flaky([conflict('40001')]);
    const dataSource = { transaction: (body: () => Promise<string>) => body() } as unknown as DataSource;
    await expect(inTransaction(dataSource, work)).resolves.toBe('done');
    expect(runs()).toBe(2);
  });
});
