import { describe, expect, it } from '@jest/globals';
import { isPkceValue } from './pkce.js';

describe(isPkceValue.name, () => {
  it('accepts 43 to 128 unreserved characters (RFC 3986 §2.3)', () => {
    expect(isPkceValue('a'.repeat(43))).toBe(true);
    expect(isPkceValue(`${'a'.repeat(124)}-._~`)).toBe(true);
  });

  it.each(['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}=`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)} `])('rejects %j', (value) => {
    expect(isPkceValue(value)).toBe(false);
  });
});
