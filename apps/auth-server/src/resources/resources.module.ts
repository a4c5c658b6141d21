import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ResourceCatalog } from './resource-catalog.js';
import { ResourceEntity } from './resource.entity.js';
import { ResourceIndicators } from './resource-indicators.js';
import { ResourcesController } from './resources.controller.js';
import { ResourcesRepository } from './resources.repository.js';
import { ResourcesService } from './resources.service.js';
import { DefaultResourcesSeed } from './default-resources.seed.js';

/** RFC 8707 resources: the registry (admin API), its in-memory catalogue, and the `resource` parameter's rules. */
@Module({
  imports: [TypeOrmModule.forFeature([ResourceEntity]), ClientsModule, SettingsModule, AuditModule],
  controllers: [ResourcesController],
  providers: [
    ResourcesRepository,
    ResourcesService,
    ResourceCatalog,
    ResourceIndicators,
    DefaultResourcesSeed,
    // The audit trail records a changed resource as GET /admin/v1/resources/:id shows it.
    auditTargetView('resource', ResourcesService, (resources) => (id) => resources.get(id ?? '')),
  ],
  exports: [ResourceIndicators, ResourceCatalog, ResourcesService, ResourcesRepository, DefaultResourcesSeed],
})
export class ResourcesModule {}
