import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthorizePageFilter } from '../authorize/authorize-page.filter.js';
import type { BrowserRequest, FormBody } from '../authorize/authorize.service.js';
import { sendOutcome } from '../authorize/pages/page-response.js';
import { HTML_PAGE } from '../openapi/schemas.js';
import { DevicePageService } from './device-page.service.js';

/** RFC 8628 §3.3: the verification_uri, where the user enters the code and answers the request. */
@ApiTags('oauth')
@ApiProduces('text/html')
@ApiOkResponse({ description: 'code, login, confirmation or error page', schema: HTML_PAGE })
@Controller('device')
@UseFilters(AuthorizePageFilter)
export class DevicePageController {
  constructor(private readonly service: DevicePageService) {}

  @ApiOperation({ summary: 'Device verification page (RFC 8628 §3.3): enter the user code' })
  @ApiQuery({ name: 'user_code', required: false, description: 'pre-fills the code (verification_uri_complete)', schema: { type: 'string' } })
  @Get()
  show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    sendOutcome(reply, this.service.start((request.query as Record<string, unknown>).user_code, request.headers.cookie));
  }

  @ApiOperation({ summary: 'User code submission (from the device page); rate limited per IP' })
  @Post()
  async enterCode(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.enterCode(formOf(request), browserOf(request)));
  }

  @ApiOperation({ summary: 'Login form submission (from the device page)' })
  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.signIn(formOf(request), browserOf(request)));
  }

  @ApiOperation({ summary: 'Approve or deny the device (from the device page)' })
  @Post('decision')
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendOutcome(reply, await this.service.decide(formOf(request), browserOf(request)));
  }
}

function browserOf(request: FastifyRequest): BrowserRequest {
  const userAgent = request.headers['user-agent'];
  return { cookieHeader: request.headers.cookie, ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}

function formOf(request: FastifyRequest): FormBody {
  return request.body !== null && typeof request.body === 'object' ? (request.body as FormBody) : {};
}
