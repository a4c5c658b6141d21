import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { DEVICE_AUTHORIZATION_REQUEST, DEVICE_AUTHORIZATION_RESPONSE } from '../openapi/schemas.js';
import { ClientAuthentication } from '../token/client-authentication.js';
import { parseOAuthForm } from '../token/token-form.js';
import { DeviceAuthorizationService, type DeviceAuthorizationResponse } from './device-authorization.service.js';

/** RFC 8628 §3.1: the device asks for codes; the client authenticates as at the token endpoint. */
@ApiTags('oauth')
@Controller('oauth/device_authorization')
export class DeviceAuthorizationController extends PostOnlyEndpoint {
  constructor(
    private readonly clientAuthentication: ClientAuthentication,
    private readonly service: DeviceAuthorizationService,
  ) {
    super();
  }

  @ApiOperation({ summary: 'Device authorization endpoint (RFC 8628 §3.1): device_code, user_code and where the user enters it' })
  @ApiBasicAuth()
  @ApiFormBody(DEVICE_AUTHORIZATION_REQUEST)
  @ApiOkResponse({ schema: DEVICE_AUTHORIZATION_RESPONSE })
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async authorize(@Req() request: FastifyRequest): Promise<DeviceAuthorizationResponse> {
    // RFC 8707 lets `resource` repeat here as at /oauth/authorize; every other parameter once.
    const form = parseOAuthForm(request, { repeatableResource: true });
    const client = await this.clientAuthentication.authenticate(request, form, { allowPublic: true });
    const userAgent = request.headers['user-agent'];
    return this.service.open(client, {
      scope: form.scope,
      resource: resourceParameter((request.body as Record<string, unknown>).resource),
      ip: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
    });
  }
}

function resourceParameter(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}
