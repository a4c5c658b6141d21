import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RegistryProjection } from '../registry/registry-projection.js';
import { InvalidRoutesError, type RouteFieldError } from '../routes/route-rules.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { unknownRouteScopes } from '../routes/route-scopes.js';

/**
 * Routes naming a scope the registry does not define (RESOURCE_ROUTES_FILE). Scopes are known
 * once the registry is loaded: at boot when it is stored already, the app fails to start naming
 * the route and scope; otherwise, once the first snapshot arrives, readiness stays down with the
 * same message (such a route refuses every token meanwhile: the scope grants nothing).
 */
@Injectable()
export class RouteScopesCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RouteScopesCheck');
  private reported = '';

  constructor(
    private readonly matcher: RouteMatcher,
    private readonly projection: RegistryProjection,
  ) {}

  onApplicationBootstrap(): void {
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
    if (!this.projection.isReady()) return [];
    return unknownRouteScopes(this.matcher.routes, (scope) => this.projection.scope(scope) !== undefined);
  }
}
