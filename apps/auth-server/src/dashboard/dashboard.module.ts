import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SyncModule } from '../sync/sync.module.js';
import { TokenAnswersModule } from '../token/token-answers.js';
import { ActivityFlusher } from './activity-flusher.js';
import { ActivityCounters } from './activity-metrics.js';
import { ActivityRecorder } from './activity-recorder.js';
import { ActivityRepository } from './activity.repository.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';
import { ResourceServerSync } from './resource-server-sync.js';

/** The dashboard (issue 18): per-minute activity counted in memory, rolled up in activity_minutes, served to the console. */
@Module({
  imports: [AuditModule, ClientsModule, SyncModule, TokenAnswersModule],
  controllers: [DashboardController],
  providers: [ActivityCounters, ActivityRecorder, ActivityFlusher, ActivityRepository, ResourceServerSync, DashboardService],
})
export class DashboardModule {}
