import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { RsAdminService, type ClientView, type ScopeView, type SyncView } from './rs-admin.service.js';
import { UpdateClientBody } from './update-client.body.js';

export const RS_ADMIN_SCOPE = 'rs.admin';

/** The resource server's admin API (CONTRACT "Resource server"): a bearer token with rs.admin. */
@Controller('admin/v1')
@RequireScopes(RS_ADMIN_SCOPE)
export class RsAdminController {
  constructor(private readonly service: RsAdminService) {}

  @Get('clients')
  clients(): { items: ClientView[] } {
    return { items: this.service.clients() };
  }

  @Patch('clients/:clientId')
  updateClient(@Param('clientId') clientId: string, @Body() body: UpdateClientBody): Promise<ClientView> {
    return this.service.setEnabled(clientId, body.enabled);
  }

  @Get('scopes')
  scopes(): { items: ScopeView[] } {
    return { items: this.service.scopes() };
  }

  @Get('sync')
  sync(): SyncView {
    return this.service.syncStatus();
  }
}
