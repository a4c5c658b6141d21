import { describe, expect, it } from '@jest/globals';
import type { ClientType } from '#oauth';
import { redirectUriError } from './redirect-uri.js';

describe(redirectUriError.name, () => {
  it.each([
    ['https://app.example.com/cb', 'confidential'],
    ['https://app.example.com:8443/cb?tenant=1', 'confidential'],
    ['http://localhost/cb', 'confidential'],
    ['http://127.0.0.1:51000/cb', 'public'],
    ['http://[::1]/cb', 'public'],
    ['com.example.app:/oauth2redirect', 'public'],
    ['com.example.app://callback', 'public'],
  ] as [string, ClientType][])('accepts %s for a %s client', (uri, type) => {
    expect(redirectUriError(uri, type)).toBeNull();
  });

  it.each([
    ['https://app.example.com/cb#x', 'must not contain a fragment'],
    ['https://*.example.com/cb', 'must not contain a wildcard'],
    ['/relative', 'must be an absolute URI'],
    ['app.example.com/cb', 'must be an absolute URI'],
    ['https:app.example.com', 'must be an absolute URI with a host'],
    ['http://example.com/cb', 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])'],
    ['http://127.0.0.1.nip.io/cb', 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])'],
    ['javascript:alert(1)', 'the scheme javascript: is not allowed'],
    ['JAVASCRIPT:alert(1)', 'the scheme javascript: is not allowed'],
    ['data:text/html,hi', 'the scheme data: is not allowed'],
    ['file:///etc/passwd', 'the scheme file: is not allowed'],
    ['https://good.example@evil.example/cb', 'must not contain user information'],
    ['https://a@b@evil.example/cb', 'must not contain user information'],
    ['https://app.example.com/c\nb', 'must not contain whitespace or control characters'],
    ['', 'must be 1 to 2048 characters'],
    [`https://app.example.com/${'x'.repeat(2048)}`, 'must be 1 to 2048 characters'],
  ])('rejects %j', (uri, message) => {
    expect(redirectUriError(uri, 'public')).toBe(message);
  });

  it('keeps private-use schemes for public clients, with a reverse-domain name', () => {
    expect(redirectUriError('com.example.app:/cb', 'confidential')).toBe('must use https (or http on a loopback host); private-use schemes are for public clients');
    expect(redirectUriError('myapp:/cb', 'public')).toBe('a private-use scheme must be a reverse domain name, such as com.example.app');
  });
});
