import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, type SchemaObject } from '#operability';
import { RequireScopes } from '#resource-guard';
import { RsActivityService, type RsActivityView } from '../activity/rs-activity.service.js';
import { RS_ADMIN_SCOPE } from './rs-admin.controller.js';

const RS_ACTIVITY_VIEW: SchemaObject = {
  type: 'object',
  required: ['generatedAt', 'minutes', 'refusals'],
  properties: {
    generatedAt: { type: 'string', format: 'date-time' },
    minutes: { type: 'array', items: { type: 'string', format: 'date-time' }, description: 'start of each minute of the last hour, oldest first' },
    refusals: {
      type: 'object',
      required: ['total', 'series'],
      properties: {
        total: { type: 'integer' },
        series: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'integer' } },
          description: 'per reason (no_token, invalid_token, invalid_dpop_proof, invalid_client: 401; insufficient_scope, forbidden: 403; rate_limited: 429): refusals per minute, aligned with minutes',
        },
      },
    },
  },
};

/** The console's dashboard reads this resource server's refusals here (a bearer token with rs.admin). */
@ApiTags('admin')
@ApiProblems(401, 403, 503)
@Controller('admin/v1')
@RequireScopes(RS_ADMIN_SCOPE)
export class ActivityAdminController {
  constructor(private readonly activity: RsActivityService) {}

  @ApiOperation({ summary: 'Refusals per minute by reason over the last hour, every instance on this database' })
  @ApiOkResponse({ schema: RS_ACTIVITY_VIEW })
  @Get('activity')
  get(): Promise<RsActivityView> {
    return this.activity.activity();
  }
}
