import { describeRoute, scopesOf, type Route } from './route.js';
import type { RouteFieldError } from './route-rules.js';

/**
 * The scopes routes name that the registry does not define: such a route could never admit a
 * token. Checked once the registry is loaded (route-scopes.check.ts), since scopes come from it.
 */
export function unknownRouteScopes(routes: readonly Route[], isKnown: (scope: string) => boolean): RouteFieldError[] {
  return routes.flatMap((route) => {
    if (route.scopes === 'public') return [];
    const kind = 'allOf' in route.scopes ? 'allOf' : 'anyOf';
    return scopesOf(route.scopes).flatMap((scope, i) =>
      isKnown(scope) ? [] : [{ route: describeRoute(route), field: `scopes.${kind}[${i}]`, message: `"${scope}" is not a scope of the registry` }],
    );
  });
}
