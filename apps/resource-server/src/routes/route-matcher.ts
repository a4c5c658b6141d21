import type { Route } from './route.js';

export type RouteMatch =
  | { kind: 'route'; route: Route }
  /** The longest matching prefix has routes, none for this method: 405 with Allow. */
  | { kind: 'method-not-allowed'; allow: readonly string[] }
  | { kind: 'no-route' };

/**
 * The route of a (method, decoded path): the longest prefix matching whole segments wins
 * (`/billing` covers `/billing` and `/billing/x`, not `/billingx`), then the method. A method the
 * longest prefix does not allow is refused there, never handed to a shorter prefix: a broader
 * route (say a public `/`) must not serve what a narrower one restricts.
 */
export class RouteMatcher {
  /** Routes by prefix, first in the file first: identical duplicates resolve to the first. */
  private readonly byPrefix = new Map<string, Route[]>();
  /** Prefix lengths, longest first: a lookup tries at most one candidate per length. */
  private readonly lengths: number[];

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      const list = this.byPrefix.get(route.pathPrefix) ?? [];
      list.push(route);
      this.byPrefix.set(route.pathPrefix, list);
    }
    this.lengths = [...new Set(routes.map((route) => route.pathPrefix.length))].sort((a, b) => b - a);
  }

  match(method: string, path: string): RouteMatch {
    const candidates = this.longestPrefixRoutes(path);
    if (candidates === undefined) return { kind: 'no-route' };
    const route = candidates.find((candidate) => candidate.methods === undefined || candidate.methods.includes(method));
    if (route) return { kind: 'route', route };
    return { kind: 'method-not-allowed', allow: [...new Set(candidates.flatMap((candidate) => candidate.methods ?? []))].sort() };
  }

  private longestPrefixRoutes(path: string): Route[] | undefined {
    for (const length of this.lengths) {
      if (length === 1) return this.byPrefix.get('/');
      if (path.length < length || (path.length > length && path[length] !== '/')) continue;
      const routes = this.byPrefix.get(path.slice(0, length));
      if (routes) return routes;
    }
    return undefined;
  }
}
