import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';
import { ForwardAuthRoute } from './forward-auth-route.js';

/** GET /auth/verify. */
@Module({ imports: [RouteAccessModule, RsMetricsModule], controllers: [ForwardAuthController], providers: [ForwardAuthRoute] })
export class ForwardAuthModule {}
