import { Module } from '@nestjs/common';
import { OperabilityModule } from '#operability';
import { OAuthMetrics } from './oauth-metrics.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { OutboxMetrics } from './outbox-metrics.js';
import { PasswordHashingMetrics } from './password-hashing-metrics.js';
import { RetentionModule } from '../retention/retention.module.js';
import { RetentionMetrics } from './retention-metrics.js';
import { SyncModule } from '../sync/sync.module.js';
import { SyncGroupMetrics } from './sync-group-metrics.js';
import { TokenAnswersModule } from '../token/token-answers.js';

/** GET /metrics (shared HTTP and pool metrics) plus the auth server's own counters and gauges. */
@Module({
  imports: [OperabilityModule, OutboxModule, SyncModule, RetentionModule, TokenAnswersModule],
  providers: [OAuthMetrics, OutboxMetrics, PasswordHashingMetrics, RetentionMetrics, SyncGroupMetrics],
})
export class AuthMetricsModule {}
