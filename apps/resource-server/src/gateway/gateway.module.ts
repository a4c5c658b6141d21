import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { Gateway } from './gateway.js';
import { UpstreamForwarder } from './upstream-forwarder.js';
import { WebSocketUpgrades } from './websocket-upgrades.js';

/** The gateway: proxies requests under RESOURCE_ROUTES_FILE's routes (bootstrap.ts installs it). */
@Module({ imports: [RouteAccessModule, RsMetricsModule], providers: [Gateway, WebSocketUpgrades, UpstreamForwarder], exports: [Gateway] })
export class GatewayModule {}
