import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { RetentionJob } from './retention-job.js';
import { MaintenanceLeasesRepository } from './maintenance-leases.repository.js';
import { RetentionRepository } from './retention.repository.js';

/** The retention job: what nothing can use any more leaves the database (docs/retention.md). */
@Module({ imports: [SettingsModule], providers: [RetentionRepository, MaintenanceLeasesRepository, RetentionJob], exports: [RetentionJob, MaintenanceLeasesRepository] })
export class RetentionModule {}
