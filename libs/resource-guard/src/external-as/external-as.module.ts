import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { ExternalAuthServer } from './external-auth-server.js';

/** AUTH_SERVER_MODE=external: the third-party authorization server's metadata and keys. */
@Module({
  imports: [RsMetricsModule],
  providers: [ExternalAuthServer],
  exports: [ExternalAuthServer],
})
export class ExternalAsModule {}
