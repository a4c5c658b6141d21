import { describe, expect, it } from '@jest/globals';
import { InvalidRoutesError, parseRoutes } from './route-rules.js';
import { unknownRouteScopes } from './route-scopes.js';

const billing = { match: { pathPrefix: '/billing', methods: ['GET'] }, upstream: 'http://127.0.0.1:8080', scopes: { allOf: ['billing.read'] } };

function errorsOf(raw: unknown): string[] {
  try {
    parseRoutes(raw);
  } catch (error) {
    if (error instanceof InvalidRoutesError) return error.errors.map((e) => `${e.route}: ${e.field}: ${e.message}`);
    throw error;
  }
  return [];
}

describe(parseRoutes.name, () => {
  it('reads a route with its defaults', () => {
    expect(parseRoutes([billing])).toEqual([
      {
        index: 0,
        pathPrefix: '/billing',
        methods: ['GET', 'HEAD'],
        upstream: 'http://127.0.0.1:8080',
        stripPrefix: false,
        scopes: { allOf: ['billing.read'] },
        timeoutMs: 30000,
        websocket: false,
        clientBasic: false,
      },
    ]);
  });

  it('reads clientBasic, refuses it when not a boolean or on a public route, and tells two routes apart by it', () => {
    expect(parseRoutes([{ ...billing, clientBasic: true }])[0].clientBasic).toBe(true);
    expect(errorsOf([{ ...billing, clientBasic: 'yes' }])).toEqual(['routes[0] (/billing): clientBasic: expected true or false']);
    expect(errorsOf([{ ...billing, scopes: 'public', clientBasic: true }])).toEqual([
      'routes[0] (/billing): clientBasic: a public route takes no credentials: give it scopes, or leave clientBasic out',
    ]);
    expect(errorsOf([{ ...billing, scopes: 'public', clientBasic: false }])).toEqual([]);
    expect(errorsOf([billing, { ...billing, clientBasic: true }])).toEqual([
      'routes[1] (/billing): match: overlaps routes[0] (/billing) on the same prefix and methods (GET, HEAD) with different rules',
    ]);
  });

  it('reads anyOf, public, every option, lower-case methods, a trailing slash on the prefix', () => {
    const [any, open] = parseRoutes([
      { match: { pathPrefix: '/orders/', methods: ['post', 'put'] }, upstream: 'https://orders.internal/api/', stripPrefix: true, scopes: { anyOf: ['a', 'b'] }, timeoutMs: 500, websocket: true },
      { match: { pathPrefix: '/' }, upstream: 'http://127.0.0.1:9000', scopes: 'public' },
    ]);
    expect(any).toMatchObject({ pathPrefix: '/orders', methods: ['POST', 'PUT'], upstream: 'https://orders.internal/api', stripPrefix: true, scopes: { anyOf: ['a', 'b'] }, timeoutMs: 500, websocket: true });
    expect(open).toMatchObject({ pathPrefix: '/', methods: undefined, scopes: 'public' });
  });

  it('names the route and the field of an unknown field, at every level', () => {
    expect(errorsOf([{ ...billing, retries: 3 }])).toEqual(['routes[0] (/billing): retries: unknown field']);
    expect(errorsOf([{ ...billing, match: { ...billing.match, host: 'x' } }])).toEqual(['routes[0] (/billing): match.host: unknown field']);
    expect(errorsOf([{ ...billing, scopes: { allOf: ['a'], noneOf: ['b'] } }])).toContain('routes[0] (/billing): scopes.noneOf: unknown field');
  });

  it.each([
    ['not a URL', 'upstream: "not a URL" is not a URL'],
    ['ftp://127.0.0.1', 'only http:// and https:// upstreams'],
    ['http://user:pw@127.0.0.1', 'credentials in the URL are not allowed'],
    ['http://127.0.0.1/?q=1', 'no query or fragment'],
    [42, 'expected an http:// or https:// URL'],
  ])('refuses the upstream %j', (upstream, message) => {
    const [error] = errorsOf([{ ...billing, upstream }]);
    expect(error).toContain('routes[0] (/billing): upstream: ');
    expect(error).toContain(message);
  });

  it.each([
    ['billing', 'expected a path starting with "/"'],
    ['/a//b', 'empty segment'],
    ['/a/../b', 'dot segments'],
    ['/a%2fb', 'characters a prefix may not use'],
    ['/a;b', 'characters a prefix may not use'],
    ['/a b', 'characters a prefix may not use'],
  ])('refuses the prefix %j, naming the route by index', (pathPrefix, message) => {
    const [error] = errorsOf([{ ...billing, match: { pathPrefix } }]);
    expect(error).toMatch(/^routes\[0\]: match\.pathPrefix: /);
    expect(error).toContain(message);
  });

  it('refuses bad methods, scopes, timeouts and flags', () => {
    expect(errorsOf([{ ...billing, match: { pathPrefix: '/b', methods: ['FETCH'] } }])[0]).toContain('match.methods: "FETCH" is not one of');
    expect(errorsOf([{ ...billing, match: { pathPrefix: '/b', methods: [] } }])[0]).toContain('match.methods: expected a non-empty list');
    expect(errorsOf([{ ...billing, scopes: { anyOf: [] } }])).toEqual(['routes[0] (/billing): scopes.anyOf: at least one scope']);
    expect(errorsOf([{ ...billing, scopes: { allOf: ['ok', 'bad scope'] } }])).toEqual(['routes[0] (/billing): scopes.allOf[1]: "bad scope" is not a scope name']);
    expect(errorsOf([{ ...billing, scopes: 'private' }])[0]).toContain('scopes: expected "public"');
    expect(errorsOf([{ ...billing, scopes: { allOf: ['a'], anyOf: ['b'] } }])[0]).toContain('scopes: expected');
    for (const timeoutMs of [0, -1, 1.5, 600_001, '100']) {
      expect(errorsOf([{ ...billing, timeoutMs }])[0]).toContain('timeoutMs: expected a whole number of milliseconds from 1 to 600000');
    }
    expect(errorsOf([{ ...billing, stripPrefix: 'yes' }])).toEqual(['routes[0] (/billing): stripPrefix: expected true or false']);
    expect(errorsOf([{ ...billing, websocket: 1 }])).toEqual(['routes[0] (/billing): websocket: expected true or false']);
  });

  it('lists every error of every route at once', () => {
    expect(errorsOf([{ ...billing, upstream: 'x' }, { match: {}, scopes: 'public' }])).toEqual([
      'routes[0] (/billing): upstream: "x" is not a URL',
      'routes[1]: match.pathPrefix: expected a path starting with "/"',
      'routes[1]: upstream: expected an http:// or https:// URL',
    ]);
    expect(errorsOf({ routes: [] })).toEqual(['routes: (root): expected a list of routes']);
    expect(errorsOf(['x'])).toEqual(['routes[0]: (route): expected an object']);
  });

  it('refuses two routes on one prefix whose methods meet with different rules', () => {
    const other = { ...billing, upstream: 'http://127.0.0.1:9090' };
    expect(errorsOf([billing, other])).toEqual([
      'routes[1] (/billing): match: overlaps routes[0] (/billing) on the same prefix and methods (GET, HEAD) with different rules',
    ]);
    expect(errorsOf([billing, { ...other, match: { pathPrefix: '/billing/' } }])[0]).toContain('overlaps routes[0] (/billing)');
    expect(errorsOf([billing, { ...billing, scopes: 'public' }])[0]).toContain('with different rules');
  });

  it('accepts one prefix split by methods, nested prefixes, and an identical duplicate', () => {
    const write = { ...billing, match: { pathPrefix: '/billing', methods: ['POST'] }, scopes: { allOf: ['billing.write'] } };
    const nested = { ...billing, match: { pathPrefix: '/billing/admin' }, scopes: { allOf: ['billing.admin'] } };
    expect(parseRoutes([billing, write, nested, billing])).toHaveLength(4);
  });
});

describe(unknownRouteScopes.name, () => {
  it('names each scope the registry does not define, with its route and field', () => {
    const routes = parseRoutes([billing, { ...billing, match: { pathPrefix: '/x' }, scopes: { anyOf: ['known', 'gone'] } }, { ...billing, match: { pathPrefix: '/p' }, scopes: 'public' }]);
    const known = new Set(['known']);
    expect(unknownRouteScopes(routes, (scope) => known.has(scope))).toEqual([
      { route: 'routes[0] (/billing)', field: 'scopes.allOf[0]', message: '"billing.read" is not a scope of the registry' },
      { route: 'routes[1] (/x)', field: 'scopes.anyOf[1]', message: '"gone" is not a scope of the registry' },
    ]);
  });
});
