import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { ConsumerGroupExpiryJob } from './consumer-group-expiry.job.js';
import { OutboxRelayRepository } from './outbox-relay.repository.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { ResourceClientProvisioning } from './resource-client-provisioning.service.js';
import { SYNC_PUBLISHER, syncEventBusProvider, syncPublisherProvider } from './sync-publisher.provider.js';
import { SyncSnapshotController } from './sync-snapshot.controller.js';
import { SyncSnapshotRepository } from './sync-snapshot.repository.js';
import { SyncSnapshotService } from './sync-snapshot.service.js';

/** The auth server's side of sync: outbox relay, registry snapshot, the resource server's client, expiry of gone instances' groups. */
@Module({
  imports: [ClientsModule, KeysModule, AuditModule, RetentionModule, OutboxModule],
  controllers: [SyncSnapshotController],
  providers: [
    syncEventBusProvider,
    syncPublisherProvider,
    OutboxRelayRepository,
    OutboxRelay,
    SyncSnapshotRepository,
    SyncSnapshotService,
    ResourceClientProvisioning,
    ConsumerGroupExpiryJob,
  ],
  exports: [OutboxRelay, SYNC_PUBLISHER, ConsumerGroupExpiryJob],
})
export class SyncModule {}
