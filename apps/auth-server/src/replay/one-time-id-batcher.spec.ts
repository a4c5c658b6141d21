import { describe, expect, it } from '@jest/globals';
import { CLAIM_ONE_TIME_IDS, OneTimeIdBatcher } from './one-time-id-batcher.js';

/** A stand-in for the table: keys already claimed, and every statement sent. */
function fakeTable(taken: string[] = []) {
  const keys = new Set(taken);
  const statements: unknown[][] = [];
  const execute = async (statement: { name: string }, parameters: unknown[]) => {
    expect(statement.name).toBe(CLAIM_ONE_TIME_IDS.name);
    statements.push(parameters);
    const inserted = (parameters[0] as string[]).filter((key) => !keys.has(key));
    inserted.forEach((key) => keys.add(key));
    return inserted.map((key) => ({ key }));
  };
  return { execute, statements };
}

describe('OneTimeIdBatcher', () => {
  it('sends concurrent claims as one statement and answers each: first use true, a taken id false', async () => {
    const table = fakeTable(['taken']);
    const batcher = new OneTimeIdBatcher(table.execute, 1);
    const answers = await Promise.all(['a', 'taken', 'b'].map((key) => batcher.claim(key, 100)));
    expect(answers).toEqual([true, false, true]);
    expect(table.statements).toEqual([[['a', 'taken', 'b'], [100, 100, 100]]]);
  });

  it('answers the second of two claims of one id in a batch false, without sending it twice', async () => {
    const table = fakeTable();
    const batcher = new OneTimeIdBatcher(table.execute, 1);
    expect(await Promise.all([batcher.claim('x', 5), batcher.claim('x', 5)])).toEqual([true, false]);
    expect(table.statements).toEqual([[['x'], [5]]]);
    expect(await batcher.claim('x', 5)).toBe(false);
  });

  it('fails every claim of a failed statement, and keeps serving the next ones', async () => {
    let fail = true;
    const table = fakeTable();
    const batcher = new OneTimeIdBatcher(async (statement, parameters) => {
      if (fail) throw new Error('connection terminated');
      return table.execute(statement, parameters);
    }, 1);
    await expect(batcher.claim('a', 1)).rejects.toThrow('connection terminated');
    fail = false;
    expect(await batcher.claim('a', 1)).toBe(true);
  });
});
