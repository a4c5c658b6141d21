import type { Route } from './route.js';

export type RouteMatch =
  | { kind: 'route'; route: Route }
  /** The longest matching prefix has routes, none for this method: 405 with Allow. */
  | { kind: 'method-not-allowed'; pathPrefix: string; allow: readonly string[] }
  | { kind: 'no-route' };

/**
 * The route of a (method, decoded path): the longest prefix matching whole segments wins
 * (`/billing` covers `/billing` and `/billing/x`, not `/billingx`), then the method. A method the
 * longest prefix does not allow is refused there, never handed to a shorter prefix: a broader
 * route (say a public `/`) must not serve what a narrower one restricts.
 *
 * Replaceable (route-store/route-table.ts swaps in the file's routes plus the admin API's): the
 * table is one immutable object swapped whole, so a request matches against one table or the
 * next, never a mix.
 */
export class RouteMatcher {
  private table: MatchTable;

  constructor(routes: readonly Route[]) {
    this.table = new MatchTable(routes);
  }

  get routes(): readonly Route[] {
    return this.table.routes;
  }

  /** From now on, every lookup uses these routes. */
  replace(routes: readonly Route[]): void {
    this.table = new MatchTable(routes);
  }

  match(method: string, path: string): RouteMatch {
    return this.table.match(method, path);
  }
}

class MatchTable {
  /** Routes by prefix, first in the file first: identical duplicates resolve to the first. */
  private readonly byPrefix = new Map<string, Route[]>();
  /** Prefix lengths, longest first: a lookup tries at most one candidate per length. */
  private readonly lengths: number[];
  /** Each route's match, made once with the table (frozen: shared by every request it matches). */
  private readonly matched = new Map<Route, RouteMatch>();

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      const list = this.byPrefix.get(route.pathPrefix) ?? [];
      list.push(route);
      this.byPrefix.set(route.pathPrefix, list);
      this.matched.set(route, Object.freeze({ kind: 'route', route }));
    }
    this.lengths = [...new Set(routes.map((route) => route.pathPrefix.length))].sort((a, b) => b - a);
  }

  match(method: string, path: string): RouteMatch {
    const candidates = this.longestPrefixRoutes(path);
    if (candidates === undefined) return { kind: 'no-route' };
    const route = candidates.find((candidate) => candidate.methods === undefined || candidate.methods.includes(method));
    if (route) return this.matched.get(route)!;
    return {
      kind: 'method-not-allowed',
      pathPrefix: candidates[0].pathPrefix,
      allow: [...new Set(candidates.flatMap((candidate) => candidate.methods ?? []))].sort(),
    };
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
