import { Module } from '@nestjs/common';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { ForwardAuthController } from './forward-auth.controller.js';

/** GET /auth/verify. */
@Module({ imports: [RouteAccessModule], controllers: [ForwardAuthController] })
export class ForwardAuthModule {}
