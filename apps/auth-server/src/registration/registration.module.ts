import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { DynamicClientCleanupJob } from './dynamic-client-cleanup.job.js';
import { InitialAccessTokensController } from './initial-access-tokens.controller.js';
import { RefusedBodyAudit } from './refused-body-audit.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationRepository } from './registration.repository.js';
import { RegistrationService } from './registration.service.js';

/** Dynamic client registration and management (RFC 7591, RFC 7592; docs/registration.md). */
@Module({
  imports: [ClientsModule, SettingsModule, AuditModule, RetentionModule],
  controllers: [RegistrationController, InitialAccessTokensController],
  providers: [RegistrationRepository, RegistrationService, DynamicClientCleanupJob, RefusedBodyAudit],
})
export class RegistrationModule {}
