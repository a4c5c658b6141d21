import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ClientScopesController } from './client-scopes.controller.js';
import { ClientScopesService } from './client-scopes.service.js';
import { ScopeEntity } from './scope.entity.js';
import { ScopesController } from './scopes.controller.js';
import { ScopesRepository } from './scopes.repository.js';
import { ScopesService } from './scopes.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ScopeEntity]), ClientsModule, AuditModule, OutboxModule],
  controllers: [ScopesController, ClientScopesController],
  providers: [
    ScopesRepository,
    ScopesService,
    ClientScopesService,
    // The audit trail records a changed scope as GET /admin/v1/scopes/:name shows it.
    auditTargetView('scope', ScopesService, (scopes) => (name) => scopes.get(name ?? '')),
  ],
  exports: [ScopesService, ScopesRepository],
})
export class ScopesModule {}
