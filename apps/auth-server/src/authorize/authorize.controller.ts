import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizePageFilter } from './authorize-page.filter.js';
import { AuthorizeService, type BrowserRequest, type FormBody } from './authorize.service.js';
import type { RawQuery } from './checks/query-params.js';
import { RESPONSE_TYPES } from './authorize-request.js';
import { sendOutcome } from './pages/page-response.js';
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
  @ApiQuery({ name: 'dpop_jkt', required: false, description: 'RFC 9449 §10: the SHA-256 JWK thumbprint of the DPoP key; the code is then exchanged only with a proof of that key', schema: { type: 'string' } })
  @ApiQuery({ name: 'nonce', required: false, description: 'OpenID Connect: echoed in the id token; required for id_token response types', schema: { type: 'string' } })
  @ApiQuery({ name: 'prompt', required: false, description: 'OIDC: none, or login and/or consent (space-separated)', schema: { type: 'string' } })
  @ApiQuery({ name: 'max_age', required: false, description: 'OIDC: seconds since the last login beyond which the user signs in again', schema: { type: 'integer', minimum: 0 } })
  @ApiQuery({ name: 'login_hint', required: false, description: 'OIDC: pre-fills the user name', schema: { type: 'string' } })
  @ApiQuery({ name: 'id_token_hint', required: false, description: 'OIDC: an id token this server issued to the client; another signed-in user means a new login', schema: { type: 'string' } })
  @ApiTooManyRequestsResponse({ description: 'error page: this IP holds AUTHORIZE_PENDING_PER_IP pending requests; Retry-After', schema: HTML_PAGE })
  @Get()
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.start(request.query as RawQuery, browserOf(request)));
  }

  @ApiOperation({ summary: 'Login form submission (from the login page)' })
  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.signIn(formOf(request), browserOf(request)));
  }

  @ApiOperation({ summary: 'Consent page' })
  @Get('consent')
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.showConsent(request.headers.cookie));
  }

  @ApiOperation({ summary: 'Consent decision (from the consent page)' })
  @Post('consent')
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.decide(request.headers.cookie, formOf(request)));
  }
}

function browserOf(request: FastifyRequest): BrowserRequest {
  const userAgent = request.headers['user-agent'];
  return { cookieHeader: request.headers.cookie, ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}

function formOf(request: FastifyRequest): FormBody {
  return request.body !== null && typeof request.body === 'object' ? (request.body as FormBody) : {};
}
