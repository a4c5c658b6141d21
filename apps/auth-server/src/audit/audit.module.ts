import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditTargets } from './audit-targets.js';
import { AuditWriter } from './audit-writer.js';

/** Token issuance, logins and every @AdminApi() controller record through AuditWriter; admin modules register their views in AuditTargets. */
@Module({
  controllers: [AuditController],
  providers: [AuditEventsRepository, AuditWriter, AuditQueryService, AuditTargets],
  exports: [AuditWriter, AuditTargets, AuditQueryService],
})
export class AuditModule {}
