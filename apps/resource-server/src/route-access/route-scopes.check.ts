import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { RegistryProjection, RegistrySyncService } from '#resource-guard';
import { InvalidRoutesError, type RouteFieldError } from '../routes/route-rules.js';
import { unknownRouteScopes } from '../routes/route-scopes.js';
import { WorkerSiblings } from '../workers/worker-siblings.js';

/**
 * Routes naming a scope the registry does not define (RESOURCE_ROUTES_FILE). Scopes are known
 * once the registry is loaded. At boot, with a stored registry that lacks one, the registry is
 * first reloaded from the auth server's snapshot (the stored copy may predate the scope: failing
 * on it would keep the server down for good), and the app fails to start naming the route and
 * scope if it is still missing. Otherwise (a fresh database, the auth server unreachable),
 * readiness stays down with the same message once the registry is loaded; such a route refuses
 * every token meanwhile, since a scope the registry lacks grants nothing. With
 * AUTH_SERVER_MODE=external no scopes are synced: the authorization server's own are not known here.
 * Among RESOURCE_WORKERS only the leader decides at boot (it loads the snapshots); the others
 * report through readiness.
 */
@Injectable()
export class RouteScopesCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RouteScopesCheck');
  private reported = '';

  constructor(
    private readonly projection: RegistryProjection,
    private readonly sync: RegistrySyncService,
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
    private readonly siblings: WorkerSiblings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.siblings.follower || this.unknownScopes().length === 0) return;
    try {
      await this.sync.resync();
    } catch (error) {
      this.logger.warn(`the route scopes cannot be checked against a fresh snapshot: ${(error as Error).message}`);
      return;
    }
    const errors = this.unknownScopes();
    if (errors.length > 0) throw new InvalidRoutesError(errors, 'RESOURCE_ROUTES_FILE');
  }

  /** Readiness: why the routes cannot be served as written, or undefined. */
  problem(): string | undefined {
    const errors = this.unknownScopes();
    if (errors.length === 0) return undefined;
    const message = new InvalidRoutesError(errors, 'RESOURCE_ROUTES_FILE').message;
    if (message !== this.reported) this.logger.error((this.reported = message));
    return message;
  }

  private unknownScopes(): RouteFieldError[] {
    if (this.config.authServerMode === 'external' || !this.projection.isReady()) return [];
    // The file's routes only: the admin API checks its routes' scopes when they are added.
    return unknownRouteScopes(this.config.routes, (scope) => this.projection.scope(scope) !== undefined);
  }
}
