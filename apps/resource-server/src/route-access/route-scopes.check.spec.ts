import { describe, expect, it } from '@jest/globals';
import type { RegistryProjection } from '../registry/registry-projection.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { parseRoutes } from '../routes/route-rules.js';
import { RouteScopesCheck } from './route-scopes.check.js';

const matcher = new RouteMatcher(parseRoutes([{ match: { pathPrefix: '/billing' }, upstream: 'http://127.0.0.1:1', scopes: { anyOf: ['known', 'billing.read'] } }]));

function projection(ready: boolean, scopes: string[]): RegistryProjection {
  return { isReady: () => ready, scope: (name: string) => (scopes.includes(name) ? { name } : undefined) } as unknown as RegistryProjection;
}

describe(RouteScopesCheck.name, () => {
  it('fails the boot naming the route and scope when the stored registry lacks it', () => {
    const check = new RouteScopesCheck(matcher, projection(true, ['known']));
    expect(() => check.onApplicationBootstrap()).toThrow('routes[0] (/billing): scopes.anyOf[1]: "billing.read" is not a scope of the registry');
  });

  it('waits for the registry: nothing to say before it is loaded, then readiness names the problem', () => {
    const scopes = ['known'];
    let ready = false;
    const check = new RouteScopesCheck(matcher, { isReady: () => ready, scope: (name: string) => (scopes.includes(name) ? { name } : undefined) } as unknown as RegistryProjection);
    expect(() => check.onApplicationBootstrap()).not.toThrow();
    expect(check.problem()).toBeUndefined();
    ready = true;
    expect(check.problem()).toContain('"billing.read" is not a scope of the registry');
    scopes.push('billing.read');
    expect(check.problem()).toBeUndefined();
  });

  it('is satisfied when every scope is defined', () => {
    expect(new RouteScopesCheck(matcher, projection(true, ['known', 'billing.read'])).problem()).toBeUndefined();
  });
});
