import { Controller, Get, Inject, Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiProblems } from './openapi-decorators.js';
import { HEALTH_CHECK_SCHEMA, readiness } from './readiness.js';

/** What an app's readiness waits for: one terminus indicator. */
export interface ReadinessIndicator {
  check(): HealthIndicatorResult | Promise<HealthIndicatorResult>;
}

export interface HealthEndpointsOptions {
  /** The readiness route's summary in the API docs: what it waits for. */
  readinessSummary: string;
  indicator: Type<ReadinessIndicator>;
  /** Modules the indicator's dependencies come from. */
  imports?: ModuleMetadata['imports'];
}

const READINESS_INDICATOR = Symbol('READINESS_INDICATOR');

/** GET /health/live and /health/ready, the same in every app but for what readiness checks. */
function healthController(readinessSummary: string): Type {
  @ApiTags('operations')
  @Controller('health')
  class HealthController {
    constructor(
      @Inject(HealthCheckService) private readonly health: HealthCheckService,
      @Inject(READINESS_INDICATOR) private readonly indicator: ReadinessIndicator,
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
    @ApiOperation({ summary: readinessSummary })
    @ApiOkResponse({ schema: HEALTH_CHECK_SCHEMA })
    @ApiProblems(503)
    ready(): Promise<HealthCheckResult> {
      return readiness(this.health, [() => this.indicator.check()]);
    }
  }
  return HealthController;
}

/** The health endpoints of one app: `HealthEndpointsModule.forApp({ readinessSummary, indicator })`. */
@Module({})
export class HealthEndpointsModule {
  static forApp({ readinessSummary, indicator, imports = [] }: HealthEndpointsOptions): DynamicModule {
    return {
      module: HealthEndpointsModule,
      // Terminus's own logger is off: a failed check is an expected 503, not an error to log.
      imports: [TerminusModule.forRoot({ logger: false }), ...imports],
      controllers: [healthController(readinessSummary)],
      providers: [indicator, { provide: READINESS_INDICATOR, useExisting: indicator }],
    };
  }
}
