import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizePageFilter } from './authorize-page.filter.js';
import type { AuthorizeOutcome } from './authorize-outcome.js';
import { AuthorizeService, type FormBody } from './authorize.service.js';
import type { RawQuery } from './checks/query-params.js';
import { RESPONSE_TYPES } from './authorize-request.js';
import { sendPage, sendRedirect } from './pages/page-response.js';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { HTML_PAGE } from '../openapi/schemas.js';

/** RFC 6749 §3.1 authorization endpoint: server-rendered login and consent pages. */
@ApiTags('oauth')
@ApiProduces('text/html')
@ApiOkResponse({ description: 'login, consent or error page', schema: HTML_PAGE })
@ApiFoundResponse({ description: 'redirect to the client with code/token or error, and state' })
@Controller('oauth/authorize')
@UseFilters(AuthorizePageFilter)
export class AuthorizeController {
  constructor(private readonly service: AuthorizeService) {}

  @ApiOperation({ summary: 'Authorization endpoint (RFC 6749 §3.1, OIDC Core §3): response_type code, token, id_token or "id_token token"' })
  @ApiQuery({ name: 'response_type', required: true, schema: { type: 'string', enum: [...RESPONSE_TYPES] } })
  @ApiQuery({ name: 'client_id', required: true, schema: { type: 'string' } })
  @ApiQuery({ name: 'redirect_uri', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'scope', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'code_challenge', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'code_challenge_method', required: false, schema: { type: 'string', enum: ['S256'] } })
  @ApiQuery({ name: 'nonce', required: false, description: 'OpenID Connect: echoed in the id token; required for id_token response types', schema: { type: 'string' } })
  @ApiTooManyRequestsResponse({ description: 'error page: this IP holds AUTHORIZE_PENDING_PER_IP pending requests; Retry-After', schema: HTML_PAGE })
  @Get()
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.start(request.query as RawQuery, request.ip));
  }

  @ApiOperation({ summary: 'Login form submission (from the login page)' })
  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.signIn(request.headers.cookie, formOf(request), request.ip));
  }

  @ApiOperation({ summary: 'Consent page' })
  @Get('consent')
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.showConsent(request.headers.cookie));
  }

  @ApiOperation({ summary: 'Consent decision (from the consent page)' })
  @Post('consent')
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.decide(request.headers.cookie, formOf(request)));
  }
}

function formOf(request: FastifyRequest): FormBody {
  return request.body !== null && typeof request.body === 'object' ? (request.body as FormBody) : {};
}

function send(reply: FastifyReply, outcome: AuthorizeOutcome): void {
  if (outcome.kind === 'redirect') return sendRedirect(reply, outcome.status, outcome.location, outcome.cookies);
  return sendPage(reply, outcome.html, outcome);
}
