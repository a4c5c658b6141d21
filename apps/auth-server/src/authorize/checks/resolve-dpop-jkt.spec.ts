import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '#oauth';
import { resolveDpopJkt } from './resolve-dpop-jkt.js';

describe('resolveDpopJkt', () => {
  it('is null when absent or empty', () => {
    expect(resolveDpopJkt(undefined)).toBeNull();
    expect(resolveDpopJkt('')).toBeNull();
  });

  it('keeps a SHA-256 thumbprint', () => {
    expect(resolveDpopJkt('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it.each([['too short', 'abc'], ['padded', 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X='], ['not base64url', 'NzbLsXh8uDCcd+6MNwXF4W/7noWXFZAfHkxZsRGC9Xs'], ['too long', 'A'.repeat(44)]])(
    'refuses a value %s',
    (_, value) => {
      expect(() => resolveDpopJkt(value)).toThrow(InvalidRequest);
    },
  );
});
