import { Module } from '@nestjs/common';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { Gateway } from './gateway.js';

/** The gateway: proxies requests under RESOURCE_ROUTES_FILE's routes (bootstrap.ts installs it). */
@Module({ imports: [RouteAccessModule], providers: [Gateway], exports: [Gateway] })
export class GatewayModule {}
