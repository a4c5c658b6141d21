import { Module } from '@nestjs/common';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { SettingsAdminController } from './settings-admin.controller.js';
import { SettingsAdminService } from './settings-admin.service.js';
import { SettingsModule } from './settings.module.js';

/** GET|PATCH /admin/v1/settings. */
@Module({
  imports: [SettingsModule, AuditModule],
  controllers: [SettingsAdminController],
  providers: [
    SettingsAdminService,
    // The audit trail records the settings as GET /admin/v1/settings shows them.
    auditTargetView('settings', SettingsAdminService, (settings) => () => settings.get()),
  ],
})
export class SettingsAdminModule {}
