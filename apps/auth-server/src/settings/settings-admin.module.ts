import { Module, type OnModuleInit } from '@nestjs/common';
import { AuditTargets } from '../audit/audit-targets.js';
import { AuditModule } from '../audit/audit.module.js';
import { SettingsAdminController } from './settings-admin.controller.js';
import { SettingsAdminService } from './settings-admin.service.js';
import { SettingsModule } from './settings.module.js';

/** GET|PATCH /admin/v1/settings. */
@Module({ imports: [SettingsModule, AuditModule], controllers: [SettingsAdminController], providers: [SettingsAdminService] })
export class SettingsAdminModule implements OnModuleInit {
  constructor(
    private readonly auditTargets: AuditTargets,
    private readonly settings: SettingsAdminService,
  ) {}

  /** The audit trail records the settings as GET /admin/v1/settings shows them. */
  onModuleInit(): void {
    this.auditTargets.register('settings', () => this.settings.get());
  }
}
