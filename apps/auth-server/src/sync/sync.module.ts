import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OutboxRelayRepository } from './outbox-relay.repository.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { ResourceClientProvisioning } from './resource-client-provisioning.service.js';
import { SYNC_PUBLISHER, syncEventBusProvider, syncPublisherProvider } from './sync-publisher.provider.js';
import { SyncSnapshotController } from './sync-snapshot.controller.js';
import { SyncSnapshotRepository } from './sync-snapshot.repository.js';
import { SyncSnapshotService } from './sync-snapshot.service.js';

/** The auth server's side of sync: outbox relay, registry snapshot, the resource server's client. */
@Module({
  imports: [ClientsModule, KeysModule],
  controllers: [SyncSnapshotController],
  providers: [syncEventBusProvider, syncPublisherProvider, OutboxRelayRepository, OutboxRelay, SyncSnapshotRepository, SyncSnapshotService, ResourceClientProvisioning],
  exports: [OutboxRelay, SYNC_PUBLISHER],
})
export class SyncModule {}
