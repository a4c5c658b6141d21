import { describe, expect, it } from '@jest/globals';
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
