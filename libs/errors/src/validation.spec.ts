import { describe, expect, it } from '@jest/globals';
import { IsString } from 'class-validator';
import { ValidationProblem } from './problem.js';
import { adminValidationPipe, MAX_INPUT_DEPTH, nestingDepth } from './validation.js';

class TitleBody {
  @IsString()
  title!: string;
}

const nestedArrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('nestingDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect([nestingDepth('x'), nestingDepth(null), nestingDepth({}), nestingDepth({ a: [1, { b: 2 }] })]).toEqual([0, 0, 1, 3]);
  });

  it('measures inputs far deeper than the call stack allows, and stops at the limit', () => {
    expect(nestingDepth(nestedArrays(20_000), 40)).toBe(41);
    expect(nestingDepth(nestedArrays(20_000))).toBe(20_000);
  });
});

describe('adminValidationPipe', () => {
  const pipe = adminValidationPipe();

  it('refuses a body nested beyond the limit with a 400 problem naming the body (was a 500: class-transformer overflowed its stack)', async () => {
    const attempt = pipe.transform({ title: nestedArrays(5000) }, { type: 'body', metatype: TitleBody });
    await expect(attempt).rejects.toBeInstanceOf(ValidationProblem);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'body', message: `the input is nested more than ${MAX_INPUT_DEPTH} levels deep` }],
    });
  });

  it('still validates ordinary bodies as before', async () => {
    await expect(pipe.transform({ title: 'ok' }, { type: 'body', metatype: TitleBody })).resolves.toEqual({ title: 'ok' });
    await expect(pipe.transform({ title: 1 }, { type: 'body', metatype: TitleBody })).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'title', message: 'title must be a string' }],
    });
  });
});
