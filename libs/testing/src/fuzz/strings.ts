import fc from 'fast-check';

/**
 * Text that has broken parsers, validators and drivers before: NUL (PostgreSQL refuses it), lone
 * surrogates (not encodable as UTF-8), bidi overrides, byte-order marks, case-folding surprises,
 * injection fragments and percent sequences that decode to nothing valid.
 */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFFx',
  '\u202Eevil\u202C',
  '\u200F\u05D0\u05D1',
  '\uFEFFbom',
  'İıſK',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\u00A0\u2028\u2029',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '../../etc/passwd',
  "' OR '1'='1' --",
  '"; DROP TABLE clients; --',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\\',
  '"',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  'admin',
  'read write admin',
  'a b',
  'https://app.example/cb',
  'javascript:alert(1)',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-fffffffffffg',
];

/** Sizes around the limits: Fastify's maxParamLength (1024), the body limits (64 KiB, 256 KiB), PostgreSQL's index row size. */
const SIZES = [255, 256, 1000, 1001, 1025, 2800, 9000, 70_000, 300_000];

export function hugeString(maxSize = Infinity): fc.Arbitrary<string> {
  const sizes = SIZES.filter((size) => size <= maxSize);
  return fc.tuple(fc.constantFrom(...sizes), fc.constantFrom('a', 'é', '\u0000', '%', '😀')).map(([size, unit]) => unit.repeat(Math.ceil(size / unit.length)));
}

/**
 * Any text a client could send, weighted towards the nasty. In a URL, `maxHuge` stays under
 * Node's 16 KiB header limit (beyond it every request is the same 431).
 */
export function nastyString(maxLength = 40, maxHuge = Infinity): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 8 })).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: hugeString(maxHuge) },
  );
}

/**
 * Percent-encodes the UTF-8 bytes of `text` (a lone surrogate becomes U+FFFD, as on the wire).
 * `raw` leaves printable ASCII as typed, '%' included: that is how malformed percent-encoding
 * reaches the server (Node refuses raw non-ASCII and control bytes in the request line outright).
 */
export function encodeComponent(text: string, raw = false): string {
  const keep = raw ? /[!$%'()*+,\-.0-9:;=@A-Z[\]_a-z~]/ : /[A-Za-z0-9\-._~]/;
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => (byte < 0x80 && keep.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}
