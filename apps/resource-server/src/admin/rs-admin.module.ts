import { Module } from '@nestjs/common';
import { AuthModule, RegistryModule } from '#resource-guard';
import { AdminAuditModule } from '../audit/audit.module.js';
import { RouteAccessModule } from '../route-access/route-access.module.js';
import { AuditAdminController } from './audit-admin.controller.js';
import { RsAdminController } from './rs-admin.controller.js';
import { RsAdminService } from './rs-admin.service.js';
import { RoutesAdminController } from './routes-admin.controller.js';
import { RoutesAdminService } from './routes-admin.service.js';

@Module({
  imports: [AuthModule, RegistryModule, RouteAccessModule, AdminAuditModule],
  controllers: [RsAdminController, RoutesAdminController, AuditAdminController],
  providers: [RsAdminService, RoutesAdminService],
})
export class RsAdminModule {}
