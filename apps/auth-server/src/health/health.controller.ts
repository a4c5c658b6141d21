import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiProblems, HEALTH_CHECK_SCHEMA, readiness } from '#operability';
import { DatabaseHealthIndicator } from './database.health.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
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
  @ApiOperation({ summary: 'Readiness: the database answers' })
  @ApiOkResponse({ schema: HEALTH_CHECK_SCHEMA })
  @ApiProblems(503)
  ready(): Promise<HealthCheckResult> {
    return readiness(this.health, [() => this.database.check()]);
  }
}
