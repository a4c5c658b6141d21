import { Module } from '@nestjs/common';
import { AuthModule, RegistryModule } from '#resource-guard';
import { AdminAuditModule } from '../audit/audit.module.js';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { ClientBasicAudit } from './client-basic-audit.js';
import { ClientBasicAuthenticator } from './client-basic-authenticator.js';
import { ClientSecretCheck } from './client-secret-check.js';

/** HTTP Basic for confidential clients on routes with `clientBasic: true` (the route authorizer asks it). */
@Module({
  imports: [AuthModule, RegistryModule, AdminAuditModule, RsMetricsModule],
  providers: [ClientSecretCheck, ClientBasicAudit, ClientBasicAuthenticator],
  exports: [ClientBasicAuthenticator],
})
export class ClientBasicModule {}
