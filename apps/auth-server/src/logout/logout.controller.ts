import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizePageFilter } from '../authorize/authorize-page.filter.js';
import { sendOutcome } from '../authorize/pages/page-response.js';
import { HTML_PAGE } from '../openapi/schemas.js';
import { LogoutService, type LogoutParams } from './logout.service.js';

/** OpenID Connect RP-Initiated Logout 1.0: server-rendered pages, errors as pages (never JSON). */
@ApiTags('oauth')
@ApiProduces('text/html')
@ApiOkResponse({ description: 'confirmation page, or the signed-out page', schema: HTML_PAGE })
@ApiFoundResponse({ description: '303 to the post_logout_redirect_uri, with state' })
@Controller('oauth/logout')
@UseFilters(AuthorizePageFilter)
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @ApiOperation({ summary: 'End-session endpoint (RP-Initiated Logout 1.0 §2)' })
  @ApiQuery({ name: 'id_token_hint', required: false, description: 'an id token this server issued; with the signed-in user, no confirmation is asked', schema: { type: 'string' } })
  @ApiQuery({ name: 'client_id', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'post_logout_redirect_uri', required: false, description: "one of the client's postLogoutRedirectUris, exactly", schema: { type: 'string' } })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string' } })
  @Get()
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.logout.request(request.query as LogoutParams, request.headers.cookie));
  }

  @ApiOperation({ summary: 'End-session endpoint, parameters in a form body (RP-Initiated Logout 1.0 §2)' })
  @Post()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.logout.request(formOf(request), request.headers.cookie));
  }

  @ApiOperation({ summary: 'Sign-out confirmation (from the confirmation page)' })
  @Post('confirm')
  async confirm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.logout.confirm(formOf(request), request.headers.cookie));
  }
}

function formOf(request: FastifyRequest): LogoutParams {
  return request.body !== null && typeof request.body === 'object' ? (request.body as LogoutParams) : {};
}
