import { Controller, Delete, Get, Header, HttpCode, MethodNotAllowedException, Param, Patch, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiOAuthErrors, OAUTH_ERROR_SCHEMA } from '#operability';
import { PostOnlyEndpoint } from '../common/method-not-allowed.js';
import { CLIENT_INFORMATION, CLIENT_METADATA } from '../openapi/schemas.js';
import { jsonBodyOf } from './json-body.js';
import { RegistrationService, type RegistrationCall } from './registration.service.js';

/** RFC 7591 (POST /oauth/register) and RFC 7592 (GET|PUT|DELETE /oauth/register/{client_id}). */
@ApiTags('oauth')
@Controller('oauth/register')
export class RegistrationController extends PostOnlyEndpoint {
  constructor(private readonly registration: RegistrationService) {
    super();
  }

  @ApiOperation({ summary: 'Dynamic client registration (RFC 7591); 404 while the dynamicRegistration setting is off' })
  @ApiBearerAuth()
  @ApiBody({ schema: CLIENT_METADATA })
  @ApiCreatedResponse({ schema: CLIENT_INFORMATION })
  @ApiOAuthErrors(400, 401, 404, 429)
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  register(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.registration.register(callOf(request));
  }

  @ApiOperation({ summary: 'Read a registered client (RFC 7592 §2.1), with its registration access token' })
  @ApiBearerAuth()
  @ApiOkResponse({ schema: CLIENT_INFORMATION })
  @ApiOAuthErrors(400, 401, 404)
  @Get(':clientId')
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  read(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.registration.read(clientId, request.headers.authorization);
  }

  @ApiOperation({ summary: "Replace a registered client's metadata (RFC 7592 §2.2); the registration access token rotates" })
  @ApiBearerAuth()
  @ApiBody({ schema: CLIENT_METADATA })
  @ApiOkResponse({ schema: CLIENT_INFORMATION })
  @ApiOAuthErrors(400, 401, 404)
  @Put(':clientId')
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  update(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.registration.update(clientId, callOf(request));
  }

  @ApiOperation({ summary: 'Delete a registered client, its tokens and associations (RFC 7592 §2.3)' })
  @ApiBearerAuth()
  @ApiNoContentResponse()
  @ApiOAuthErrors(400, 401, 404)
  @Delete(':clientId')
  @HttpCode(204)
  async remove(@Param('clientId') clientId: string, @Req() request: FastifyRequest): Promise<void> {
    await this.registration.delete(clientId, request.headers.authorization);
  }

  @ApiOperation({ summary: 'Not served: 405' })
  @ApiResponse({ status: 405, description: 'method not allowed', schema: OAUTH_ERROR_SCHEMA })
  @Post(':clientId')
  postToClient(): never {
    throw new MethodNotAllowedException();
  }

  @ApiOperation({ summary: 'Not served: 405' })
  @ApiResponse({ status: 405, description: 'method not allowed', schema: OAUTH_ERROR_SCHEMA })
  @Patch(':clientId')
  patchClient(): never {
    throw new MethodNotAllowedException();
  }
}

function callOf(request: FastifyRequest): RegistrationCall {
  return { body: () => jsonBodyOf(request), authorization: request.headers.authorization, ip: request.ip };
}
