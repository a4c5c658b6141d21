import { Module } from '@nestjs/common';
import { GuardTelemetryModule } from '../telemetry/guard-telemetry.js';
import { ExternalAuthServer } from './external-auth-server.js';

/** AUTH_SERVER_MODE=external: the third-party authorization server's metadata and keys. */
@Module({
  imports: [GuardTelemetryModule],
  providers: [ExternalAuthServer],
  exports: [ExternalAuthServer],
})
export class ExternalAsModule {}
