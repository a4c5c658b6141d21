import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { type AuthenticatedAccess, CurrentAccess, RequireScopes } from '#resource-guard';
import { RsAdminService, type ClientView, type ScopeView, type SyncView } from './rs-admin.service.js';
import { UpdateClientBody } from './update-client.body.js';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';
import { items, RS_CLIENT_VIEW, RS_SCOPE_VIEW, SYNC_VIEW } from '../openapi/schemas.js';

export const RS_ADMIN_SCOPE = 'rs.admin';

/** The resource server's admin API (CONTRACT "Resource server"): a bearer token with rs.admin. */
@ApiTags('admin')
@ApiProblems(401, 403, 503)
@Controller('admin/v1')
@RequireScopes(RS_ADMIN_SCOPE)
export class RsAdminController {
  constructor(private readonly service: RsAdminService) {}

  @ApiOperation({ summary: 'Synced clients with the local enabled switch' })
  @ApiOkResponse({ schema: items(RS_CLIENT_VIEW) })
  @Get('clients')
  clients(): { items: ClientView[] } {
    return { items: this.service.clients() };
  }

  @ApiOperation({ summary: 'Enable or disable a client locally (its tokens are refused here while disabled)' })
  @ApiOkResponse({ schema: RS_CLIENT_VIEW })
  @ApiProblems(400, 404)
  @Patch('clients/:clientId')
  @ApiBody({ type: UpdateClientBody })
  updateClient(@Param('clientId') clientId: string, @Body() body: unknown, @CurrentAccess() access: AuthenticatedAccess): Promise<ClientView> {
    // Validated by the service, inside the audit: a refused body is audited, as at the auth server.
    return this.service.setEnabled(clientId, body, access);
  }

  @ApiOperation({ summary: 'Synced scopes' })
  @ApiOkResponse({ schema: items(RS_SCOPE_VIEW) })
  @Get('scopes')
  scopes(): { items: ScopeView[] } {
    return { items: this.service.scopes() };
  }

  @ApiOperation({ summary: 'Sync state: transport, last applied seq, lag' })
  @ApiOkResponse({ schema: SYNC_VIEW })
  @Get('sync')
  sync(): SyncView {
    return this.service.syncStatus();
  }
}
