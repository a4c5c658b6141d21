import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientCache } from './client-cache.js';
import { ClientEvents } from './client-events.js';
import { ClientSecretRotation } from './client-secret-rotation.service.js';
import { ClientSecretBox } from './client-secret-box.js';
import { ClientWritesRepository } from './client-writes.repository.js';
import { ClientEntity } from './client.entity.js';
import { ClientsAdminService } from './clients-admin.service.js';
import { ClientsController } from './clients.controller.js';
import { ClientsRepository } from './clients.repository.js';
import { RegistryChangeMarker } from './registry-change-marker.js';
import { RegistryCommitListener } from './registry-commit-listener.js';
import { RegistryTransaction } from './registry-transaction.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), AuditModule, OutboxModule],
  controllers: [ClientsController],
  providers: [
    RegistryChangeMarker,
    RegistryCommitListener,
    ClientCache,
    ClientsRepository,
    ClientWritesRepository,
    RegistryTransaction,
    ClientEvents,
    ClientAuthenticator,
    ClientsAdminService,
    ClientSecretRotation,
    ClientSecretBox,
    // The audit trail records a changed client as GET /admin/v1/clients/:clientId shows it.
    auditTargetView('client', ClientsAdminService, (clients) => (clientId) => clients.get(clientId ?? '')),
  ],
  exports: [RegistryChangeMarker, ClientCache, ClientAuthenticator, ClientsRepository, ClientWritesRepository, RegistryTransaction, ClientEvents, ClientsAdminService, ClientSecretBox],
})
export class ClientsModule {}
