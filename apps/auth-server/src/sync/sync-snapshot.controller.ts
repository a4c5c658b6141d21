import { Controller, Get, Header, Headers } from '@nestjs/common';
import type { RegistrySnapshot } from '../../../../libs/sync/src/index.js';
import { SyncSnapshotService } from './sync-snapshot.service.js';

@Controller('internal/v1/sync')
export class SyncSnapshotController {
  constructor(private readonly snapshots: SyncSnapshotService) {}

  @Get('snapshot')
  @Header('Cache-Control', 'no-store')
  snapshot(@Headers('authorization') authorization?: string): Promise<RegistrySnapshot> {
    return this.snapshots.snapshotFor(authorization);
  }
}
