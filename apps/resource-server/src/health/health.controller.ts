import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiProblems, HEALTH_CHECK_SCHEMA, readiness } from '#operability';
import { RegistryHealthIndicator } from './registry.health.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly registry: RegistryHealthIndicator,
  ) {}

  /** Liveness checks nothing beyond the process answering: a dependency outage must not restart it. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: registry snapshot loaded, event transport not cut off beyond the staleness budget' })
  @ApiOkResponse({ schema: HEALTH_CHECK_SCHEMA })
  @ApiProblems(503)
  ready(): Promise<HealthCheckResult> {
    return readiness(this.health, [() => this.registry.check()]);
  }
}
