import type { Tx } from '#database';

/** A route added through the admin API, as stored: its definition is the route-file shape, as sent. */
export interface StoredRoute {
  id: string;
  definition: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** The admin routes and the table version they were read at. */
export interface StoredRouteTable {
  version: number;
  routes: StoredRoute[];
}

/** One change to the admin routes, decided against the routes as stored (route-store/route.repository.ts). */
export type RouteMutation =
  | { kind: 'insert'; id: string; definition: Record<string, unknown> }
  | { kind: 'update'; id: string; definition: Record<string, unknown> }
  | { kind: 'delete'; id: string };

/** Written in a route change's transaction (its audit row), with the stored routes before and after it. */
export type AlongsideRouteChange = (tx: Tx, before: StoredRouteTable, after: StoredRouteTable) => Promise<void>;
