import { Module } from '@nestjs/common';
import { AuthModule, RegistryModule } from '#resource-guard';
import { RsActivityModule } from '../activity/activity.module.js';
import { AdminAuditModule } from '../audit/audit.module.js';
import { ActivityAdminController } from './activity-admin.controller.js';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { AuditAdminController } from './audit-admin.controller.js';
import { RsAdminController } from './rs-admin.controller.js';
import { RsAdminService } from './rs-admin.service.js';
import { RoutesAdminController } from './routes-admin.controller.js';
import { RoutesAdminService } from './routes-admin.service.js';

@Module({
  imports: [AuthModule, RegistryModule, RouteAccessModule, AdminAuditModule, RsActivityModule],
  controllers: [RsAdminController, RoutesAdminController, AuditAdminController, ActivityAdminController],
  providers: [RsAdminService, RoutesAdminService],
})
export class RsAdminModule {}
