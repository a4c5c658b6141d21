import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { requestPath } from './request-path.js';

describe(requestPath.name, () => {
  it.each([
    ['/billing', '/billing'],
    ['/billing/', '/billing/'],
    ['/billing/x?y=1#z', '/billing/x'],
    ['/billing?next=/admin/../x', '/billing'],
    ['/%62illing/x', '/billing/x'],
    ['/files/a%20b', '/files/a b'],
    ['/a/..b/c.', '/a/..b/c.'],
    ['/', '/'],
  ])('%s is matched as %s', (target, path) => {
    expect(requestPath(target)).toEqual({ ok: true, path });
  });

  it.each([
    // traversal, plain and encoded
    ['/billing/../admin', '"." or ".." segments'],
    ['/billing/./x', '"." or ".." segments'],
    ['/billing/..', '"." or ".." segments'],
    ['/billing/%2e%2e/admin', '"." or ".." segments'],
    ['/billing/%2E%2e', '"." or ".." segments'],
    ['/billing/.%2e/admin', '"." or ".." segments'],
    // encoded slashes and backslashes, double encoding
    ['/billing/..%2fadmin', 'encoded "/"'],
    ['/billing%2Fadmin', 'encoded "/"'],
    ['/billing/..%5cadmin', 'encoded "/"'],
    ['/billing/%252e%252e/admin', 'encoded "/"'],
    ['/billing/%00', 'encoded "/"'],
    ['/billing\\..\\admin', 'backslash'],
    // double slashes
    ['//admin', 'empty segment'],
    ['/billing//admin', 'empty segment'],
    ['/billing//', 'empty segment'],
    // ; parameters
    ['/billing;jsessionid=1/x', '";" parameters'],
    ['/public/..;/admin', '";" parameters'],
    ['/billing%3b/x', undefined],
    // malformed
    ['/billing/%zz', 'malformed percent-encoding'],
    ['/billing/%e2%82', 'malformed percent-encoding'],
    ['billing', 'must start with "/"'],
    ['http://evil/billing', 'must start with "/"'],
    ['/bill ing', 'spaces, control or non-ASCII'],
    ['/bill\u00e9', 'spaces, control or non-ASCII'],
  ])('refuses %s', (target, reason) => {
    const result = requestPath(target);
    if (reason === undefined) return expect(result).toEqual({ ok: true, path: '/billing;/x' });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toContain(reason);
  });
});

describe('requestPath against a WHATWG URL parser (what an upstream resolves)', () => {
  const piece = fc.constantFrom('/', 'a', 'admin', 'public', '.', '..', '%2e', '%2E', '%2f', '%5c', '%25', '%2e%2e', ';', '%3b', '%62', '\\', '?', '#', '//', '%', 'x%2');

  it('accepts only paths a URL parser leaves as they are: no route is decided on a path the upstream resolves elsewhere', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const target = `/${pieces.join('')}`;
        const result = requestPath(target);
        if (!result.ok) return;
        const resolved = decodeURIComponent(new URL(target, 'http://upstream.test').pathname);
        expect(resolved).toBe(result.path);
        expect(result.path.split('/').slice(1, -1)).not.toContain('');
      }),
      { numRuns: 2000 },
    );
  });
});
