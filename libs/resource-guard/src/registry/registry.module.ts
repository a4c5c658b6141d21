import { Module } from '@nestjs/common';
import { RESOURCE_SERVER_CONFIG } from '../config/resource-server.config.js';
import { RegistryProjection } from './registry-projection.js';
import { RegistrySyncService } from './registry-sync.service.js';
import { RegistryRepository } from './registry.repository.js';
import { httpSnapshotLoader, SNAPSHOT_LOADER } from './snapshot-loader.js';
import { SyncEventsController } from './sync-events.controller.js';
import { SyncTransportRegistry } from './sync-status.js';

/** The synced registry: database projection, in-memory mirror, and the event handlers. */
@Module({
  controllers: [SyncEventsController],
  providers: [
    RegistryRepository,
    RegistryProjection,
    RegistrySyncService,
    SyncTransportRegistry,
    { provide: SNAPSHOT_LOADER, useFactory: httpSnapshotLoader, inject: [RESOURCE_SERVER_CONFIG] },
  ],
  exports: [RegistryProjection, RegistrySyncService, SyncTransportRegistry],
})
export class RegistryModule {}
