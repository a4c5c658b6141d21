import { Module } from '@nestjs/common';
import { AuthModule, RegistryModule } from '#resource-guard';
import { ClientBasicModule } from '../client-basic/client-basic.module.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { RouteRepository } from '../route-store/route.repository.js';
import { RouteTable } from '../route-store/route-table.js';
import { RouteMatcher } from '../routes/route-matcher.js';
import { RouteAuthorizer } from './route-authorizer.js';
import { RouteMetadataController } from './route-metadata.controller.js';
import { RouteScopesCheck } from './route-scopes.check.js';

/** The route rules (RESOURCE_ROUTES_FILE and the admin API's, route-store/) and the decision on a request under them: forward auth and the gateway import it. */
@Module({
  imports: [AuthModule, RegistryModule, ClientBasicModule],
  controllers: [RouteMetadataController],
  providers: [
    { provide: RouteMatcher, useFactory: (config: ResourceServerConfig) => new RouteMatcher(config.routes), inject: [RESOURCE_SERVER_CONFIG] },
    RouteRepository,
    RouteTable,
    RouteAuthorizer,
    RouteScopesCheck,
  ],
  exports: [RouteMatcher, RouteTable, RouteAuthorizer, RouteScopesCheck],
})
export class RouteAccessModule {}
