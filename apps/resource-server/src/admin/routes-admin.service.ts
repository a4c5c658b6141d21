import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConflictProblem, NotFoundProblem, ValidationProblem, type FieldError } from '#errors';
import { type AuthenticatedAccess, RegistryProjection } from '#resource-guard';
import { AdminAudit, type RecordChange } from '../audit/admin-audit.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { conflictsOf, effectiveRoutes, parseStoredRoute } from '../route-store/effective-routes.js';
import { RouteTable } from '../route-store/route-table.js';
import type { AlongsideRouteChange, StoredRouteTable } from '../route-store/stored-route.js';
import type { Route } from '../routes/route.js';
import { InvalidRoutesError, type RouteFieldError } from '../routes/route-rules.js';
import { unknownRouteScopes } from '../routes/route-scopes.js';
import { ADMIN_CHANGES } from './admin-changes.js';
import { toRouteView, type RouteView } from './route-view.js';

/**
 * /admin/v1/routes: the effective route table, and the routes added here. A route is checked by
 * the rules of RESOURCE_ROUTES_FILE (400 naming the field) and against every other route of the
 * table (an overlap on the same prefix and methods with different rules: 409, the request being
 * valid on its own). File routes are listed, never changed here (409).
 *
 * Each change writes its audit row in its own transaction (AdminAudit: who, the route before and
 * after); a refused one is audited with its status.
 */
@Injectable()
export class RoutesAdminService {
  private readonly logger = new Logger('RoutesAdmin');

  constructor(
    private readonly table: RouteTable,
    private readonly projection: RegistryProjection,
    private readonly audit: AdminAudit,
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
  ) {}

  list(): RouteView[] {
    return this.table.entries().map(toRouteView);
  }

  create(body: unknown, actor: AuthenticatedAccess): Promise<RouteView> {
    const id = randomUUID();
    return this.audit.audited({ ...ADMIN_CHANGES.routeCreated, targetId: id, change: body }, actor, async (record) => {
      const definition = this.validDefinition(body);
      await this.table.mutate(
        (stored) => {
          this.assertNoOverlap(this.validRoute(definition), stored, id);
          return { kind: 'insert', id, definition };
        },
        this.recorded(id, record),
      );
      return this.changed('created', id, actor);
    });
  }

  update(id: string, patch: unknown, actor: AuthenticatedAccess): Promise<RouteView> {
    return this.audit.audited({ ...ADMIN_CHANGES.routeUpdated, targetId: id, change: patch }, actor, async (record) => {
      this.assertNotFileRoute(id);
      const changes = objectBody(patch);
      await this.table.mutate(
        (stored) => {
          const row = stored.routes.find((candidate) => candidate.id === id);
          if (!row) throw new NotFoundProblem(`no route ${id}`);
          const definition: Record<string, unknown> = { ...row.definition, ...changes };
          // null puts a field back to its default (timeoutMs, methods by leaving out match.methods…).
          for (const [field, value] of Object.entries(changes)) if (value === null) delete definition[field];
          this.assertNoOverlap(this.validRoute(definition), stored, id);
          return { kind: 'update', id, definition };
        },
        this.recorded(id, record),
      );
      return this.changed('updated', id, actor);
    });
  }

  remove(id: string, actor: AuthenticatedAccess): Promise<void> {
    return this.audit.audited({ ...ADMIN_CHANGES.routeDeleted, targetId: id, change: null }, actor, async (record) => {
      this.assertNotFileRoute(id);
      let prefix = '';
      await this.table.mutate(
        (stored) => {
          const row = stored.routes.find((candidate) => candidate.id === id);
          if (!row) throw new NotFoundProblem(`no route ${id}`);
          prefix = JSON.stringify((row.definition.match as { pathPrefix?: unknown } | undefined)?.pathPrefix ?? null);
          return { kind: 'delete', id };
        },
        this.recorded(id, record),
      );
      this.logger.log(`route ${id} (${prefix}) deleted by client ${actor.clientId} (sub ${actor.sub})`);
    });
  }

  /** The audit row of a change to route `id`, in its transaction: the route as GET /admin/v1/routes showed it before and shows it after. */
  private recorded(id: string, record: RecordChange): AlongsideRouteChange {
    return (tx, before, after) => record({ before: this.viewIn(before, id), after: this.viewIn(after, id) }, tx);
  }

  private viewIn(stored: StoredRouteTable, id: string): RouteView | null {
    const entry = effectiveRoutes(this.table.fileRoutes, stored.routes).entries.find((candidate) => candidate.id === id);
    return entry ? toRouteView(entry) : null;
  }

  private changed(verb: string, id: string, actor: AuthenticatedAccess): RouteView {
    const entry = this.table.entries().find((candidate) => candidate.id === id);
    if (!entry) throw new NotFoundProblem(`no route ${id}`);
    this.logger.log(`route ${id} (${entry.route.pathPrefix}) ${verb} by client ${actor.clientId} (sub ${actor.sub})`);
    return toRouteView(entry);
  }

  private validDefinition(body: unknown): Record<string, unknown> {
    const definition = objectBody(body);
    this.validRoute(definition);
    return definition;
  }

  /** The route file's rules, then the registry's scopes (as at boot for the file). */
  private validRoute(definition: Record<string, unknown>): Route {
    let route: Route;
    try {
      route = parseStoredRoute(definition, 0);
    } catch (error) {
      if (error instanceof InvalidRoutesError) throw new ValidationProblem(error.errors.map(toFieldError));
      throw error;
    }
    if (this.config.authServerMode === 'external' && route.clientBasic) {
      throw ValidationProblem.field('clientBasic', 'AUTH_SERVER_MODE=external: client credentials are checked only against Portcullis');
    }
    if (this.config.authServerMode !== 'external' && this.projection.isReady()) {
      const unknown = unknownRouteScopes([route], (scope) => this.projection.scope(scope) !== undefined);
      if (unknown.length > 0) throw new ValidationProblem(unknown.map(toFieldError));
    }
    return route;
  }

  private assertNoOverlap(route: Route, stored: StoredRouteTable, id: string): void {
    const others = effectiveRoutes(
      this.table.fileRoutes,
      stored.routes.filter((row) => row.id !== id),
    ).entries.map((entry) => entry.route);
    const overlaps = conflictsOf(route, others);
    if (overlaps.length > 0) throw new ConflictProblem(overlaps.map((error) => error.message).join('; '), overlaps.map(toFieldError));
  }

  private assertNotFileRoute(id: string): void {
    if (this.table.entries().some((entry) => entry.id === id && entry.source === 'file')) {
      throw new ConflictProblem(`route ${id} comes from RESOURCE_ROUTES_FILE: change it in the file`);
    }
  }
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw ValidationProblem.field('body', 'expected a JSON object');
  return body as Record<string, unknown>;
}

function toFieldError(error: RouteFieldError): FieldError {
  return { field: error.field, message: error.message };
}
