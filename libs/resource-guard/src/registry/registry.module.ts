import { Module } from '@nestjs/common';
import { RESOURCE_GUARD_CONFIG } from '../config/resource-guard.config.js';
import { GuardTelemetryModule } from '../telemetry/guard-telemetry.js';
import { RegistryEventConsumer } from './registry-event-consumer.js';
import { RegistryProjection } from './registry-projection.js';
import { RegistryCatchUp } from './registry-catch-up.js';
import { RegistrySyncService } from './registry-sync.service.js';
import { RegistryRepository } from './registry.repository.js';
import { httpSnapshotLoader, SNAPSHOT_LOADER } from './snapshot-loader.js';
import { SyncTransportRegistry } from './sync-status.js';

/** The synced registry: database projection, in-memory mirror, and the events that keep it current. */
@Module({
  imports: [GuardTelemetryModule],
  providers: [
    RegistryRepository,
    RegistryProjection,
    RegistrySyncService,
    RegistryCatchUp,
    SyncTransportRegistry,
    RegistryEventConsumer,
    { provide: SNAPSHOT_LOADER, useFactory: httpSnapshotLoader, inject: [RESOURCE_GUARD_CONFIG] },
  ],
  exports: [RegistryProjection, RegistrySyncService, RegistryCatchUp, SyncTransportRegistry],
})
export class RegistryModule {}
