import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { ExternalAuthServer, PortcullisSigningKeys, RegistryProjection, STALENESS_BUDGET_MS, SyncTransportRegistry } from '#resource-guard';
import { RouteScopesCheck } from '../route-access/route-scopes.check.js';

/**
 * Ready only once the registry snapshot is loaded (and, for signed tokens, the auth server's keys), and not while the event transport has been
 * cut off for longer than the staleness budget, nor while every recent entry had to be
 * dead-lettered: changes may be missing (SECURITY-CHECKLIST F-8). Nor while a route of
 * RESOURCE_ROUTES_FILE names a scope the loaded registry does not define. With
 * AUTH_SERVER_MODE=external there are no snapshot, events or synced scopes: ready once the
 * authorization server's metadata (and, for signed tokens, its keys) were fetched.
 */
@Injectable()
export class RegistryHealthIndicator {
  constructor(
    private readonly projection: RegistryProjection,
    private readonly transports: SyncTransportRegistry,
    private readonly indicators: HealthIndicatorService,
    private readonly external: ExternalAuthServer,
    private readonly signingKeys: PortcullisSigningKeys,
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
    private readonly routeScopes: RouteScopesCheck,
  ) {}

  check(): HealthIndicatorResult<'registry'> {
    const indicator = this.indicators.check('registry');
    if (this.config.authServerMode === 'external') {
      return this.external.isReady() ? indicator.up() : indicator.down('the authorization server metadata or keys have not been fetched yet');
    }
    if (!this.projection.isReady()) return indicator.down('the registry snapshot has not been loaded yet');
    // Without the keys every token is a 503 (F-15); once fetched, jose keeps them through JWKS outages.
    if (this.config.tokenValidation === 'jwt' && !this.signingKeys.isLoaded()) return indicator.down('the authorization server keys have not been fetched yet');
    const cutOffMs = this.transports.disconnectedForMs();
    if (cutOffMs > STALENESS_BUDGET_MS) return indicator.down(`the event transport has been disconnected for ${Math.round(cutOffMs / 1000)} s`);
    if (this.transports.refusingEverything()) return indicator.down('events arrive but none can be applied (dead-lettered: unsigned, foreign or invalid)');
    const routes = this.routeScopes.problem();
    if (routes !== undefined) return indicator.down(routes);
    return indicator.up();
  }
}
