import { Module } from '@nestjs/common';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';
import { ForwardAuthRoute } from './forward-auth-route.js';

/** GET /auth/verify. */
@Module({ imports: [RouteAccessModule], controllers: [ForwardAuthController], providers: [ForwardAuthRoute] })
export class ForwardAuthModule {}
