import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RefreshCountDto, toRefreshCount } from './refresh-count.dto.js';

const errorsOf = (body: object) => validateSync(plainToInstance(RefreshCountDto, body)).map((error) => error.property);

describe('RefreshCountDto', () => {
  it('reads a limited count without a limit, absent or null, as none (issue 18: empty means no refresh token)', () => {
    for (const body of [{ mode: 'limited' }, { mode: 'limited', limit: null }]) {
      expect(errorsOf(body)).toEqual([]);
      expect(toRefreshCount(plainToInstance(RefreshCountDto, body))).toEqual({ mode: 'limited', limit: 0 });
    }
    expect(toRefreshCount({ mode: 'limited', limit: 7 })).toEqual({ mode: 'limited', limit: 7 });
    expect(toRefreshCount({ mode: 'unlimited' })).toEqual({ mode: 'unlimited' });
  });

  it('still refuses a limit that is there but not a count', () => {
    for (const limit of [-1, 1.5, '3', '', 2147483648, true]) expect({ limit, errors: errorsOf({ mode: 'limited', limit }) }).toEqual({ limit, errors: ['limit'] });
    expect(errorsOf({ mode: 'unlimited', limit: 3 })).toEqual(['limit']);
  });
});
