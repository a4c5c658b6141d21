import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, isCursorText, isCursorTimestamp } from './pagination.js';

describe('decodeCursor', () => {
  it('gives back what encodeCursor wrote, as text', () => {
    expect(decodeCursor(encodeCursor({ at: '2026-12-01T10:00:00.123456Z', n: 7 }), { at: isCursorTimestamp, n: (n) => /^\d+$/.test(n) })).toEqual({
      at: '2026-12-01T10:00:00.123456Z',
      n: '7',
    });
    expect(decodeCursor(undefined, { at: isCursorTimestamp })).toBeUndefined();
  });

  it.each(['not base64 json', encodeCursor({ at: 'x' }), encodeCursor({ other: '2026-12-01T10:00:00Z' }), Buffer.from('[1]').toString('base64url')])(
    'refuses %s',
    (cursor) => {
      expect(() => decodeCursor(cursor, { at: isCursorTimestamp })).toThrow('cursor is malformed');
    },
  );
});

describe('cursor field checks', () => {
  it.each(['2026-12-01T10:00:00Z', '2026-12-01T10:00:00.123456Z', '2026-12-01T10:00:00.123456', '2024-02-29T23:59:59.9Z'])('%s is a timestamp', (value) => {
    expect(isCursorTimestamp(value)).toBe(true);
  });

  it.each(['2026-02-30T10:00:00Z', '2026-12-01T24:00:00Z', '2026-13-01T10:00:00Z', '0000-01-01T00:00:00Z', '2026-12-01 10:00:00', '2026-12-01T10:00:00.1234567Z', 'x'])(
    '%s is not',
    (value) => {
      expect(isCursorTimestamp(value)).toBe(false);
    },
  );

  it('refuses text with a NUL', () => {
    expect(isCursorText('alice')).toBe(true);
    expect(isCursorText('al\u0000ice')).toBe(false);
  });
});
