import { describe, expect, it } from '@jest/globals';
import type { ResourceServerConfig } from '../config/resource-server.config.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { parseRoutes } from '../routes/route-rules.js';
import type { RouteRepository } from './route.repository.js';
import { RouteTable } from './route-table.js';
import { WorkerSiblings } from '../workers/worker-siblings.js';
import type { StoredRoute, StoredRouteTable } from './stored-route.js';

const UPSTREAM = 'http://127.0.0.1:9';
const fileRoutes = parseRoutes([{ match: { pathPrefix: '/reports', methods: ['GET'] }, upstream: UPSTREAM, scopes: 'public' }]);
const config = { routes: fileRoutes } as unknown as ResourceServerConfig;

function stored(id: string, definition: Record<string, unknown>): StoredRoute {
  return { id, definition, createdAt: new Date(0), updatedAt: new Date(0) };
}

/** A database shared by instances: each RouteTable reads it through its own fake repository. */
function sharedDatabase() {
  let table: StoredRouteTable = { version: 0, routes: [] };
  const repository = {
    version: async () => table.version,
    loadAll: async () => table,
    mutate: async (decide: (current: StoredRouteTable) => { kind: string; id: string; definition?: Record<string, unknown> }) => {
      const mutation = decide(table);
      const others = table.routes.filter((route) => route.id !== mutation.id);
      table = { version: table.version + 1, routes: mutation.kind === 'delete' ? others : [...others, stored(mutation.id, mutation.definition!)] };
      return table;
    },
  } as unknown as RouteRepository;
  return { repository, set: (next: StoredRouteTable) => (table = next) };
}

describe(RouteTable.name, () => {
  it('serves the file routes, then the stored ones after them', async () => {
    const database = sharedDatabase();
    database.set({ version: 1, routes: [stored('a', { match: { pathPrefix: '/billing' }, upstream: UPSTREAM, scopes: 'public' })] });
    const matcher = new RouteMatcher(fileRoutes);
    const table = new RouteTable(database.repository, matcher, config, new WorkerSiblings());
    await table.onModuleInit();
    table.onModuleDestroy();
    expect(table.entries().map((entry) => [entry.id, entry.source, entry.route.index])).toEqual([
      ['file-0', 'file', 0],
      ['a', 'api', 1],
    ]);
    expect(matcher.match('GET', '/billing/x')).toMatchObject({ kind: 'route', route: { pathPrefix: '/billing' } });
  });

  it('follows a change made at another instance on the next refresh', async () => {
    const database = sharedDatabase();
    const here = new RouteMatcher(fileRoutes);
    const hereTable = new RouteTable(database.repository, here, config, new WorkerSiblings());
    const there = new RouteTable(database.repository, new RouteMatcher(fileRoutes), config, new WorkerSiblings());
    await hereTable.onModuleInit();
    await there.onModuleInit();
    hereTable.onModuleDestroy();
    there.onModuleDestroy();
    await there.mutate(() => ({ kind: 'insert', id: 'b', definition: { match: { pathPrefix: '/billing' }, upstream: UPSTREAM, scopes: 'public' } }));
    expect(here.match('GET', '/billing').kind).toBe('no-route');
    await hereTable.refresh();
    expect(here.match('GET', '/billing').kind).toBe('route');
    await there.mutate(() => ({ kind: 'delete', id: 'b' }));
    await hereTable.refresh();
    expect(here.match('GET', '/billing').kind).toBe('no-route');
  });

  it('leaves out a stored route that overlaps a file route (the file changed since), serving the rest', async () => {
    const database = sharedDatabase();
    database.set({
      version: 3,
      routes: [stored('clash', { match: { pathPrefix: '/reports' }, upstream: UPSTREAM, scopes: { allOf: [] } }), stored('ok', { match: { pathPrefix: '/ok' }, upstream: UPSTREAM, scopes: 'public' })],
    });
    const table = new RouteTable(database.repository, new RouteMatcher(fileRoutes), config, new WorkerSiblings());
    await table.onModuleInit();
    table.onModuleDestroy();
    expect(table.entries().map((entry) => entry.id)).toEqual(['file-0', 'ok']);
  });
});
