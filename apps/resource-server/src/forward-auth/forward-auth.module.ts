import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';

/** GET /auth/verify. */
@Module({ imports: [RouteAccessModule, RsMetricsModule], controllers: [ForwardAuthController] })
export class ForwardAuthModule {}
