import { describe, expect, it } from '@jest/globals';
import { upstreamTarget, upstreamUrl } from './upstream-url.js';

const route = (upstream: string, pathPrefix: string, stripPrefix: boolean) => ({ upstream, pathPrefix, stripPrefix });

describe('upstreamUrl', () => {
  it('keeps the path under the upstream without stripPrefix', () => {
    expect(upstreamUrl(route('http://127.0.0.1:8080', '/billing', false), '/billing/x/y?z=1')).toBe('http://127.0.0.1:8080/billing/x/y');
    expect(upstreamUrl(route('http://127.0.0.1:8080/v1/', '/billing', false), '/billing')).toBe('http://127.0.0.1:8080/v1/billing');
  });

  it('removes the prefix with stripPrefix, leaving at least "/"', () => {
    expect(upstreamUrl(route('http://127.0.0.1:8080', '/billing', true), '/billing/x?z=1')).toBe('http://127.0.0.1:8080/x');
    expect(upstreamUrl(route('http://127.0.0.1:8080', '/billing', true), '/billing')).toBe('http://127.0.0.1:8080/');
    expect(upstreamUrl(route('http://127.0.0.1:8080/v1', '/billing', true), '/billing')).toBe('http://127.0.0.1:8080/v1');
    expect(upstreamUrl(route('http://127.0.0.1:8080/v1', '/api/billing', true), '/api/billing/a/b/')).toBe('http://127.0.0.1:8080/v1/a/b/');
    expect(upstreamUrl(route('http://127.0.0.1:8080', '/', true), '/a')).toBe('http://127.0.0.1:8080/a');
  });

  it('strips by segments, so an encoded prefix is stripped too, and keeps the rest as sent', () => {
    expect(upstreamUrl(route('http://127.0.0.1:8080', '/billing', true), '/%62illing/caf%C3%A9')).toBe('http://127.0.0.1:8080/caf%C3%A9');
  });

  it('gives undici the origin, and the path with the query as sent, without a fragment', () => {
    expect(upstreamTarget(route('http://127.0.0.1:8080/v1', '/billing', true), '/billing/x?z=1&y=%20')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/v1/x', query: '?z=1&y=%20' });
    expect(upstreamTarget(route('http://127.0.0.1:8080', '/billing', false), '/billing?a=1#f')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/billing', query: '?a=1' });
    expect(upstreamTarget(route('http://127.0.0.1:8080', '/billing', false), '/billing#f?x')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/billing', query: '' });
  });
});
