import { Controller, Get, Header, Headers } from '@nestjs/common';
import type { RegistrySnapshot } from '#sync';
import { SyncSnapshotService } from './sync-snapshot.service.js';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';

@ApiTags('internal')
@Controller('internal/v1/sync')
export class SyncSnapshotController {
  constructor(private readonly snapshots: SyncSnapshotService) {}

  @ApiOperation({ summary: 'Registry snapshot for resource servers (authenticated as the resource client)' })
  @ApiBasicAuth()
  @ApiOkResponse({ description: 'clients, scopes, revocations and the seq they reflect', schema: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer' } }, additionalProperties: true } })
  @ApiProblems(401)
  @Get('snapshot')
  @Header('Cache-Control', 'no-store')
  snapshot(@Headers('authorization') authorization?: string): Promise<RegistrySnapshot> {
    return this.snapshots.snapshotFor(authorization);
  }
}
