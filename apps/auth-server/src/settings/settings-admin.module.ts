import { Module } from '@nestjs/common';
import { SettingsAdminController } from './settings-admin.controller.js';
import { SettingsAdminService } from './settings-admin.service.js';

/** GET|PATCH /admin/v1/settings; SettingsService comes from the global SettingsModule. */
@Module({ controllers: [SettingsAdminController], providers: [SettingsAdminService] })
export class SettingsAdminModule {}
