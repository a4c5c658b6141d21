import { describe, expect, it } from '@jest/globals';
import { upstreamTarget } from './upstream-url.js';

const route = (upstream: string, pathPrefix: string, stripPrefix: boolean) => ({ upstream, pathPrefix, stripPrefix });
const local = 'http://127.0.0.1:8080';

describe('upstreamTarget', () => {
  it('keeps the path under the upstream without stripPrefix', () => {
    expect(upstreamTarget(route(local, '/billing', false), '/billing/x/y?z=1')).toEqual({ origin: local, path: '/billing/x/y', query: '?z=1' });
    expect(upstreamTarget(route(`${local}/v1/`, '/billing', false), '/billing')).toEqual({ origin: local, path: '/v1/billing', query: '' });
  });

  it('removes the prefix with stripPrefix, leaving at least "/"', () => {
    expect(upstreamTarget(route(local, '/billing', true), '/billing/x?z=1')).toEqual({ origin: local, path: '/x', query: '?z=1' });
    expect(upstreamTarget(route(local, '/billing', true), '/billing')).toEqual({ origin: local, path: '/', query: '' });
    expect(upstreamTarget(route(`${local}/v1`, '/billing', true), '/billing')).toEqual({ origin: local, path: '/v1', query: '' });
    expect(upstreamTarget(route(`${local}/v1`, '/api/billing', true), '/api/billing/a/b/')).toEqual({ origin: local, path: '/v1/a/b/', query: '' });
    expect(upstreamTarget(route(local, '/', true), '/a')).toEqual({ origin: local, path: '/a', query: '' });
  });

  it('strips by segments, so an encoded prefix is stripped too, and keeps the rest as sent', () => {
    expect(upstreamTarget(route(local, '/billing', true), '/%62illing/caf%C3%A9')).toEqual({ origin: local, path: '/caf%C3%A9', query: '' });
  });

  it('gives the origin, and the path with the query as sent, without a fragment', () => {
    expect(upstreamTarget(route(`${local}/v1`, '/billing', true), '/billing/x?z=1&y=%20')).toEqual({ origin: local, path: '/v1/x', query: '?z=1&y=%20' });
    expect(upstreamTarget(route(local, '/billing', false), '/billing?a=1#f')).toEqual({ origin: local, path: '/billing', query: '?a=1' });
    expect(upstreamTarget(route(local, '/billing', false), '/billing#f?x')).toEqual({ origin: local, path: '/billing', query: '' });
  });
});
