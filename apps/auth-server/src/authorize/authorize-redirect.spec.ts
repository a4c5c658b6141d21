import { describe, expect, it } from '@jest/globals';
import { redirectWith } from './authorize-redirect.js';

describe(redirectWith.name, () => {
  it('appends to the query, keeping the registered query as written', () => {
    expect(redirectWith('https://a.example/cb', 'query', { code: 'c', state: 's' })).toBe('https://a.example/cb?code=c&state=s');
    expect(redirectWith('https://a.example/cb?t=a', 'query', { code: 'c' })).toBe('https://a.example/cb?t=a&code=c');
    expect(redirectWith('com.example.app:/cb', 'query', { code: 'c' })).toBe('com.example.app:/cb?code=c');
  });

  it('puts implicit responses in the fragment', () => {
    expect(redirectWith('https://a.example/cb', 'fragment', { access_token: 't', state: 's' })).toBe('https://a.example/cb#access_token=t&state=s');
  });

  it('percent-encodes values and leaves out absent ones', () => {
    expect(redirectWith('https://a.example/cb', 'query', { error: 'access_denied', error_description: 'a b&c', state: null })).toBe('https://a.example/cb?error=access_denied&error_description=a%20b%26c');
  });
});
