import { describe, expect, it } from '@jest/globals';
import type { RouteOptions } from 'fastify';
import { appendRouteHook, isRoute } from './route-hooks.js';

const route = (method: RouteOptions['method'], url: string, more: Partial<RouteOptions> = {}) =>
  ({ method, url, handler: () => undefined, ...more }) as RouteOptions;

describe('route hooks (onRoute helpers)', () => {
  it('isRoute matches the url and one of the route methods, exactly', () => {
    expect(isRoute(route('GET', '/auth/verify'), 'GET', '/auth/verify')).toBe(true);
    expect(isRoute(route(['GET', 'HEAD'], '/auth/verify'), 'HEAD', '/auth/verify')).toBe(true);
    expect(isRoute(route('HEAD', '/auth/verify'), 'GET', '/auth/verify')).toBe(false);
    expect(isRoute(route('GET', '/auth/verify/*'), 'GET', '/auth/verify')).toBe(false);
    expect(isRoute(route('POST', '/oauth/token'), 'POST', '/oauth/token/')).toBe(false);
  });

  it('appendRouteHook keeps the route own hooks first, whether it had none, one or several', () => {
    // Three distinct hooks: toEqual compares functions by identity.
    const [first, second, added] = [(): void => undefined, (): void => undefined, (): void => undefined];
    const none = route('GET', '/a');
    appendRouteHook(none, 'onError', added);
    expect(none.onError).toEqual([added]);
    const one = route('GET', '/a', { preSerialization: first } as Partial<RouteOptions>);
    appendRouteHook(one, 'preSerialization', added);
    expect(one.preSerialization).toEqual([first, added]);
    const several = route('GET', '/a', { onError: [first, second] } as Partial<RouteOptions>);
    appendRouteHook(several, 'onError', added);
    expect(several.onError).toEqual([first, second, added]);
  });
});
