import { Body, Controller, Get, Patch } from '@nestjs/common';
import { AdminApi } from '../admin-auth/admin-api.decorator.js';
import type { Settings } from './settings.js';
import { SettingsAdminService } from './settings-admin.service.js';
import { UpdateSettingsBody } from './update-settings.body.js';

@AdminApi()
@Controller('admin/v1/settings')
export class SettingsAdminController {
  constructor(private readonly settings: SettingsAdminService) {}

  @Get()
  get(): Promise<Settings> {
    return this.settings.get();
  }

  @Patch()
  update(@Body() body: UpdateSettingsBody): Promise<Settings> {
    return this.settings.update(body);
  }
}
