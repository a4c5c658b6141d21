import { describe, expect, it } from '@jest/globals';
import { displayUserCode, generateUserCode, normalizeUserCode, USER_CODE_ALPHABET } from './user-code.js';

describe(generateUserCode.name, () => {
  it('draws 8 letters from the 20-consonant alphabet of RFC 8628 §6.1', () => {
    for (let round = 0; round < 200; round++) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    }
  });

  it('uses the whole alphabet (not a constant or a narrower range)', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 200; round++) for (const letter of generateUserCode()) seen.add(letter);
    expect([...seen].sort().join('')).toBe([...USER_CODE_ALPHABET].sort().join(''));
  });
});

describe(displayUserCode.name, () => {
  it('shows XXXX-XXXX', () => {
    expect(displayUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
  });
});

describe(normalizeUserCode.name, () => {
  it.each([
    ['BCDF-GHJK', 'BCDFGHJK'],
    ['bcdf-ghjk', 'BCDFGHJK'],
    ['bcdfghjk', 'BCDFGHJK'],
    [' BcDf ghJK ', 'BCDFGHJK'],
    ['B-C-D-F-G-H-J-K', 'BCDFGHJK'],
  ])('reads %j as %j (case, dashes and spaces ignored)', (input, expected) => {
    expect(normalizeUserCode(input)).toBe(expected);
  });

  it.each([
    ['too short', 'BCDF-GHJ'],
    ['too long', 'BCDF-GHJKL'],
    ['a vowel', 'ABCD-FGHJ'],
    ['a digit', 'BCDF-GHJ1'],
    ['a letter outside the alphabet (Y)', 'BCDF-GHJY'],
    ['empty', ''],
    ['non-ASCII look-alike', 'BCDF-GHJ\u212A'],
    ['very long input', 'B'.repeat(1000)],
  ])('refuses %s', (_, input) => {
    expect(normalizeUserCode(input)).toBeNull();
  });

  it('refuses what is not a string (a repeated form field arrives as an array)', () => {
    expect(normalizeUserCode(['BCDFGHJK'])).toBeNull();
    expect(normalizeUserCode(undefined)).toBeNull();
  });
});
