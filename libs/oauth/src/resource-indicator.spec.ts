import { isResourceIndicator } from './resource-indicator.js';

describe('isResourceIndicator (RFC 8707 §2)', () => {
  it.each(['https://api.example.com', 'https://api.example.com/v1?x=1', 'http://localhost:3001', 'urn:example:resource'])('accepts %s', (value) => {
    expect(isResourceIndicator(value)).toBe(true);
  });

  it.each(['', '/relative', 'api.example.com', '//api.example.com', 'https://api.example.com#frag', 'https://api.example.com/#', 'https://a b', 'https://a\n', 'https://x/' + 'a'.repeat(2048), 42, null])(
    'refuses %p',
    (value) => {
      expect(isResourceIndicator(value)).toBe(false);
    },
  );
});
