import { describe, expect, it } from '@jest/globals';
import { parseRoutes } from './route-rules.js';
import { RouteMatcher } from './route-matcher.js';
import { requestPath } from './request-path.js';

const upstream = 'http://127.0.0.1:8080';
const matcher = new RouteMatcher(
  parseRoutes([
    { match: { pathPrefix: '/' }, upstream, scopes: 'public' },
    { match: { pathPrefix: '/billing', methods: ['GET'] }, upstream, scopes: { allOf: ['billing.read'] } },
    { match: { pathPrefix: '/billing', methods: ['POST', 'PUT'] }, upstream, scopes: { allOf: ['billing.write'] } },
    { match: { pathPrefix: '/billing/admin' }, upstream, scopes: { allOf: ['billing.admin'] } },
    { match: { pathPrefix: '/reports/v1', methods: ['DELETE'] }, upstream, scopes: { anyOf: ['reports.admin'] } },
  ]),
);

function prefixOf(method: string, target: string): string {
  const path = requestPath(target);
  if (!path.ok) return `refused: ${path.reason}`;
  const match = matcher.match(method, path.path);
  if (match.kind === 'route') return match.route.pathPrefix;
  return match.kind === 'method-not-allowed' ? `405 ${match.allow.join(',')}` : '404';
}

describe(RouteMatcher.name, () => {
  it.each([
    ['GET', '/billing', '/billing'],
    ['GET', '/billing/', '/billing'],
    ['GET', '/billing/invoices/1', '/billing'],
    ['HEAD', '/billing/invoices', '/billing'],
    ['POST', '/billing', '/billing'],
    ['GET', '/billingx', '/'],
    ['GET', '/billing/admin', '/billing/admin'],
    ['GET', '/billing/admin/users', '/billing/admin'],
    ['GET', '/billing/administrators', '/billing'],
    ['GET', '/%62illing/admin', '/billing/admin'],
    ['GET', '/other', '/'],
    ['DELETE', '/reports/v1/3', '/reports/v1'],
  ])('%s %s goes to %s (longest whole-segment prefix)', (method, target, prefix) => {
    expect(prefixOf(method, target)).toBe(prefix);
  });

  it('refuses a method the longest prefix does not allow, without falling back to a shorter prefix', () => {
    expect(prefixOf('DELETE', '/billing/x')).toBe('405 GET,HEAD,POST,PUT');
    expect(prefixOf('GET', '/reports/v1')).toBe('405 DELETE');
  });

  it('answers no route when nothing matches', () => {
    const narrow = new RouteMatcher(parseRoutes([{ match: { pathPrefix: '/billing' }, upstream, scopes: 'public' }]));
    expect(narrow.match('GET', '/billingx')).toEqual({ kind: 'no-route' });
    expect(narrow.match('GET', '/')).toEqual({ kind: 'no-route' });
    expect(new RouteMatcher([]).match('GET', '/x')).toEqual({ kind: 'no-route' });
  });

  it.each(['/billing/..%2fadmin', '/billing/%2e%2e/admin', '/billing//admin', '/public/..;/billing/admin', '/billing;x/../admin'])(
    '%s never reaches a route: refused before matching',
    (target) => {
      expect(prefixOf('GET', target)).toMatch(/^refused: /);
    },
  );
});
