import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBasicAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiFormBody, ApiOAuthErrors } from '#operability';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { PAR_REQUEST, PAR_RESPONSE } from '../openapi/schemas.js';
import { PushedAuthorizationRequests, type PushedRequestResponse } from './pushed-authorization-requests.service.js';

/** RFC 9126 §2: 201 with the request_uri to send to /oauth/authorize with the client_id. */
@ApiTags('oauth')
@Controller('oauth/par')
export class ParController extends PostOnlyEndpoint {
  constructor(private readonly requests: PushedAuthorizationRequests) {
    super();
  }

  @ApiOperation({ summary: 'Pushed authorization request (RFC 9126): the authorization request parameters, checked and stored for one use within 60 s' })
  @ApiBasicAuth()
  @ApiFormBody(PAR_REQUEST)
  @ApiCreatedResponse({ schema: PAR_RESPONSE })
  @ApiOAuthErrors(400, 401, 405, 503)
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  push(@Req() request: FastifyRequest): Promise<PushedRequestResponse> {
    return this.requests.push(request);
  }
}
