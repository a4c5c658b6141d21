import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { ExportService } from './export.service.js';
import { ImportBodyLimit } from './import-body-limit.js';
import { ImportExportController } from './import-export.controller.js';
import { ImportExportRepository } from './import-export.repository.js';
import { ImportService } from './import.service.js';
import { ImportWriter } from './import-writer.js';

/** GET /admin/v1/export and POST /admin/v1/import (issue 18): moving a registry between installations. */
@Module({
  imports: [ClientsModule, ScopesModule, ResourcesModule, UsersModule, SettingsModule, TokensModule, SessionsModule, OutboxModule, AuditModule],
  controllers: [ImportExportController],
  providers: [ImportBodyLimit, ImportExportRepository, ImportWriter, ImportService, ExportService],
})
export class ImportExportModule {}
