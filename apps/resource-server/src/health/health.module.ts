import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RegistryModule } from '../registry/registry.module.js';
import { HealthController } from './health.controller.js';
import { RegistryHealthIndicator } from './registry.health.js';

// Terminus's own logger is off: a failed check is an expected 503, not an error to log.
@Module({ imports: [TerminusModule.forRoot({ logger: false }), RegistryModule], controllers: [HealthController], providers: [RegistryHealthIndicator] })
export class HealthModule {}
