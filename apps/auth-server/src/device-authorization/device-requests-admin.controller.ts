import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../admin-api/admin-api.decorator.js';
import { DEVICE_REQUEST_VIEW } from '../openapi/schemas.js';
import { DeviceRequestsRepository } from '../device-requests/device-requests.repository.js';

/** The most a list answers: pending requests live minutes, so more would be an attack, not a page. */
const LIST_LIMIT = 500;

/** A pending device request as the admin API shows it: never a code or a hash. */
export interface DeviceRequestView {
  id: string;
  clientId: string;
  scopes: string[];
  resources: string[];
  createdAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

@AdminApi()
@ApiTags('admin: device requests')
@Controller('admin/v1/device-requests')
export class DeviceRequestsAdminController {
  constructor(private readonly repository: DeviceRequestsRepository) {}

  @ApiOperation({ summary: `Pending device authorization requests (RFC 8628), newest first, at most ${LIST_LIMIT}` })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: DEVICE_REQUEST_VIEW } }, required: ['items'] } })
  @Get()
  async list(): Promise<{ items: DeviceRequestView[] }> {
    const pending = await this.repository.listPending(LIST_LIMIT);
    return {
      items: pending.map((request) => ({
        id: request.id,
        clientId: request.clientId,
        scopes: request.scopes,
        resources: request.resources,
        createdAt: request.createdAt.toISOString(),
        expiresAt: request.expiresAt.toISOString(),
        ip: request.deviceIp,
        userAgent: request.deviceUserAgent,
      })),
    };
  }
}
