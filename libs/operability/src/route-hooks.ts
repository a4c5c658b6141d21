import type { RouteOptions } from 'fastify';

/** Adds `hook` after a route's own `name` hooks (from an onRoute hook): a route-level hook, so other routes pay nothing. */
export function appendRouteHook<Name extends 'preSerialization' | 'onError'>(route: RouteOptions, name: Name, hook: unknown): void {
  const existing = route[name];
  route[name] = [...(existing ? [existing].flat() : []), hook] as RouteOptions[Name];
}

/** Whether a route (as onRoute sees it) is `url` answering `method`. */
export function isRoute(route: RouteOptions, method: string, url: string): boolean {
  return route.url === url && [route.method].flat().includes(method);
}
