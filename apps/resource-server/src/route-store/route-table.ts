import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import type { Route } from '../routes/route.js';
import { WorkerSiblings } from '../workers/worker-siblings.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { effectiveRoutes, type RouteEntry } from './effective-routes.js';
import { RouteRepository } from './route.repository.js';
import type { AlongsideRouteChange, RouteMutation, StoredRouteTable } from './stored-route.js';

/**
 * How often an instance looks at route_table_version for changes made at another instance
 * sharing the database. A poll rather than LISTEN/NOTIFY: it works the same on PGlite (the
 * embedded default) and on PostgreSQL, and costs one indexed one-row read a second.
 */
export const ROUTE_POLL_MS = 1_000;

const ROUTES_TOPIC = 'routes';

/**
 * The effective route table: RESOURCE_ROUTES_FILE's routes, then the admin API's from the
 * database, swapped into the RouteMatcher that /auth/verify and the gateway read per request.
 * A change made here is in the matcher before its answer; one made at another instance within
 * about ROUTE_POLL_MS; at another of this port's RESOURCE_WORKERS at once (it is told).
 */
@Injectable()
export class RouteTable implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RouteTable');
  private version = -1;
  private current: readonly RouteEntry[];
  private poll?: NodeJS.Timeout;
  private pollFailing = false;

  constructor(
    private readonly repository: RouteRepository,
    private readonly matcher: RouteMatcher,
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
    private readonly siblings: WorkerSiblings,
  ) {
    this.current = effectiveRoutes(config.routes, []).entries;
  }

  async onModuleInit(): Promise<void> {
    this.siblings.channel.subscribe(ROUTES_TOPIC, () => void this.refresh());
    this.apply(await this.repository.loadAll());
    this.poll = setInterval(() => void this.refresh(), ROUTE_POLL_MS);
    this.poll.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.poll);
  }

  get fileRoutes(): readonly Route[] {
    return this.config.routes;
  }

  entries(): readonly RouteEntry[] {
    return this.current;
  }

  /** Decides and writes a change (repository.mutate, with what goes `alongside` it), then serves the table it leaves. */
  async mutate(decide: (stored: StoredRouteTable) => RouteMutation, alongside?: AlongsideRouteChange): Promise<void> {
    this.apply(await this.repository.mutate(decide, alongside));
    this.siblings.channel.publish(ROUTES_TOPIC, null);
  }

  /** Picks up a change made at another instance (the poll, each ROUTE_POLL_MS). */
  async refresh(): Promise<void> {
    try {
      if ((await this.repository.version()) !== this.version) this.apply(await this.repository.loadAll());
      this.pollFailing = false;
    } catch (error) {
      if (!this.pollFailing) this.logger.warn(`the admin routes cannot be reloaded: ${(error as Error).message}`);
      this.pollFailing = true;
    }
  }

  /** A table read before one already applied (a slow poll beside a change) is dropped. */
  private apply(stored: StoredRouteTable): void {
    if (stored.version < this.version) return;
    const effective = effectiveRoutes(this.config.routes, stored.routes);
    for (const skipped of effective.skipped) this.logger.error(`admin route ${skipped.id} is not served: ${skipped.reason}`);
    this.version = stored.version;
    this.current = effective.entries;
    this.matcher.replace(effective.entries.map((entry) => entry.route));
  }
}
