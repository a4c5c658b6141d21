import { describe, expect, it } from '@jest/globals';
import { redirectUriMatches } from './redirect-uri-matches.js';

describe(redirectUriMatches.name, () => {
  it('accepts the registered string exactly', () => {
    expect(redirectUriMatches('https://app.example.com/cb?a=1', 'https://app.example.com/cb?a=1')).toBe(true);
  });

  it.each(['https://app.example.com/CB', 'https://app.example.com/cb/', 'https://app.example.com/cb?', 'https://app.example.com:443/cb', 'https://app.example.com/./cb'])(
    'rejects %s for https://app.example.com/cb (no normalisation)',
    (requested) => expect(redirectUriMatches(requested, 'https://app.example.com/cb')).toBe(false),
  );

  it('lets loopback IP literals change the port only (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches('http://127.0.0.1:1234/cb', 'http://127.0.0.1/cb')).toBe(true);
    expect(redirectUriMatches('http://[::1]:65535/cb?x=1', 'http://[::1]:80/cb?x=1')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:1234/cb?x=1', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:65536/cb', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://[::1]:1234/cb', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:1234@evil.example/cb', 'http://127.0.0.1/cb')).toBe(false);
  });

  it('gives localhost no port leeway', () => {
    expect(redirectUriMatches('http://localhost:1234/cb', 'http://localhost/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost:1234/cb', 'http://127.0.0.1/cb')).toBe(false);
  });
});
