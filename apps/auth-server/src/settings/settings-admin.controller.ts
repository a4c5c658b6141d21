import { Body, Controller, Get, Patch } from '@nestjs/common';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import type { Settings } from './settings.js';
import { SettingsAdminService } from './settings-admin.service.js';
import { UpdateSettingsBody } from './update-settings.body.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import { SETTINGS_VIEW } from '../openapi/schemas.js';

@AdminApi()
@ApiTags('admin: settings')
@Controller('admin/v1/settings')
export class SettingsAdminController {
  constructor(private readonly settings: SettingsAdminService) {}

  @ApiOperation({ summary: 'Global OAuth settings' })
  @ApiOkResponse({ schema: SETTINGS_VIEW })
  @Get()
  get(): Promise<Settings> {
    return this.settings.get();
  }

  @ApiOperation({ summary: 'Change the global OAuth settings' })
  @ApiOkResponse({ schema: SETTINGS_VIEW })
  @ApiProblems(400)
  @Patch()
  update(@Body() body: UpdateSettingsBody): Promise<Settings> {
    return this.settings.update(body);
  }
}
