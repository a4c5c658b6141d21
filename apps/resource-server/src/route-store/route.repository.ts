import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { inTransaction } from '#database';
import { txOf } from '#database/persistence';
import type { AlongsideRouteChange, RouteMutation, StoredRoute, StoredRouteTable } from './stored-route.js';

interface RouteRow {
  id: string;
  definition: Record<string, unknown> | string;
  created_at: Date;
  updated_at: Date;
}

/** The only code that reads or writes the admin routes (tables routes and route_table_version). */
@Injectable()
export class RouteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async version(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT version FROM route_table_version WHERE id = 1')) as { version: string }[];
    return Number(row.version);
  }

  loadAll(): Promise<StoredRouteTable> {
    return inTransaction(this.dataSource, (manager) => this.read(manager, ''));
  }

  /**
   * Decides a change against the routes as stored and writes it, the version row locked so that
   * two instances cannot both add conflicting routes; `decide` throws to refuse. `alongside` writes
   * in the same transaction (the change's audit row), seeing the table before and after. Returns the table after.
   */
  async mutate(decide: (current: StoredRouteTable) => RouteMutation, alongside?: AlongsideRouteChange): Promise<StoredRouteTable> {
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.read(manager, ' FOR UPDATE');
      const mutation = decide(before);
      if (mutation.kind === 'insert') {
        await manager.query('INSERT INTO routes (id, definition) VALUES ($1, $2::jsonb)', [mutation.id, JSON.stringify(mutation.definition)]);
      } else if (mutation.kind === 'update') {
        await manager.query('UPDATE routes SET definition = $2::jsonb, updated_at = now() WHERE id = $1', [mutation.id, JSON.stringify(mutation.definition)]);
      } else {
        await manager.query('DELETE FROM routes WHERE id = $1', [mutation.id]);
      }
      await manager.query('UPDATE route_table_version SET version = version + 1 WHERE id = 1');
      const after = await this.read(manager, '');
      await alongside?.(txOf(manager), before, after);
      return after;
    });
  }

  private async read(manager: EntityManager, lock: string): Promise<StoredRouteTable> {
    const [state] = (await manager.query(`SELECT version FROM route_table_version WHERE id = 1${lock}`)) as { version: string }[];
    const rows = (await manager.query('SELECT id, definition, created_at, updated_at FROM routes ORDER BY position')) as RouteRow[];
    return { version: Number(state.version), routes: rows.map(toStoredRoute) };
  }
}

function toStoredRoute(row: RouteRow): StoredRoute {
  const definition = typeof row.definition === 'string' ? (JSON.parse(row.definition) as Record<string, unknown>) : row.definition;
  return { id: row.id, definition, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
}
