import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizePageFilter } from './authorize-page.filter.js';
import type { AuthorizeOutcome } from './authorize-outcome.js';
import { AuthorizeService, type FormBody } from './authorize.service.js';
import type { RawQuery } from './checks/query-params.js';
import { sendPage, sendRedirect } from './pages/page-response.js';

/** RFC 6749 §3.1 authorization endpoint: server-rendered login and consent pages. */
@Controller('oauth/authorize')
@UseFilters(AuthorizePageFilter)
export class AuthorizeController {
  constructor(private readonly service: AuthorizeService) {}

  @Get()
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.start(request.query as RawQuery));
  }

  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.signIn(request.headers.cookie, formOf(request), request.ip));
  }

  @Get('consent')
  async consent(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.service.showConsent(request.headers.cookie));
  }

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
