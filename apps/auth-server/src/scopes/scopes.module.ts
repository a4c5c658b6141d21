import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTargets } from '../audit/audit-targets.js';
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
  providers: [ScopesRepository, ScopesService, ClientScopesService],
  exports: [ScopesService],
})
export class ScopesModule implements OnModuleInit {
  constructor(
    private readonly auditTargets: AuditTargets,
    private readonly scopes: ScopesService,
  ) {}

  /** The audit trail records a changed scope as GET /admin/v1/scopes/:name shows it. */
  onModuleInit(): void {
    this.auditTargets.register('scope', (name) => this.scopes.get(name ?? ''));
  }
}
