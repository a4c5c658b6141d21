import { Module } from '@nestjs/common';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { SettingsAdminController } from './settings-admin.controller.js';
import { SettingsAdminService } from './settings-admin.service.js';

/** GET|PATCH /admin/v1/settings; SettingsService comes from the global SettingsModule. */
@Module({
  controllers: [SettingsAdminController],
  providers: [
    SettingsAdminService,
    // The audit trail records the settings as GET /admin/v1/settings shows them.
    auditTargetView('settings', SettingsAdminService, (settings) => () => settings.get()),
  ],
})
export class SettingsAdminModule {}
