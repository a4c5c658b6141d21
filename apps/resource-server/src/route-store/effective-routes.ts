import { describeRoute, type Route } from '../routes/route.js';
import { InvalidRoutesError, parseRoutes, routeConflicts } from '../routes/route-rules.js';
import type { StoredRoute } from './stored-route.js';

/** A route of the effective table, with where it comes from. */
export interface RouteEntry {
  /** "file-<index>" for RESOURCE_ROUTES_FILE's routes; the stored id for the admin API's. */
  id: string;
  source: 'file' | 'api';
  route: Route;
  stored?: StoredRoute;
}

/** The id the admin API gives a route of RESOURCE_ROUTES_FILE (its position there). */
export function fileRouteId(index: number): string {
  return `file-${index}`;
}

/**
 * The file's routes first, then the stored ones in the order they were added, each numbered after
 * the file's (messages say "routes[n] (/prefix)"). A stored route that no longer passes the rules
 * (the file changed under it since) is left out and reported: the file wins, the server starts.
 */
export function effectiveRoutes(fileRoutes: readonly Route[], stored: readonly StoredRoute[]): { entries: RouteEntry[]; skipped: { id: string; reason: string }[] } {
  const entries: RouteEntry[] = fileRoutes.map((route) => ({ id: fileRouteId(route.index), source: 'file', route }));
  const skipped: { id: string; reason: string }[] = [];
  for (const row of stored) {
    try {
      const route = parseStoredRoute(row.definition, entries.length);
      const conflict = conflictsOf(route, entries.map((entry) => entry.route));
      if (conflict.length > 0) throw new InvalidRoutesError(conflict);
      entries.push({ id: row.id, source: 'api', route, stored: row });
    } catch (error) {
      skipped.push({ id: row.id, reason: (error as Error).message });
    }
  }
  return { entries, skipped };
}

/** One route-file entry validated at position `index` of the effective table; throws InvalidRoutesError. */
export function parseStoredRoute(definition: unknown, index: number): Route {
  const [route] = parseRoutes([definition]);
  return { ...route, index };
}

/** What `route` overlaps among `others` (same prefix, shared methods, different rules). */
export function conflictsOf(route: Route, others: readonly Route[]): ReturnType<typeof routeConflicts> {
  // A number no other route has, so that the candidate's own errors can be told apart.
  const candidate = { ...route, index: Math.max(route.index, ...others.map((other) => other.index)) + 1 };
  return routeConflicts([...others, candidate]).filter((error) => error.route === describeRoute(candidate));
}
