import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { TokenResponse } from './grant-handler.js';
import { TokenEndpoint } from './token-endpoint.js';
import { PostOnlyEndpoint } from './method-not-allowed.js';

@Controller('oauth/token')
export class TokenController extends PostOnlyEndpoint {
  constructor(private readonly endpoint: TokenEndpoint) {
    super();
  }

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@Req() request: FastifyRequest): Promise<TokenResponse> {
    return this.endpoint.handle(request);
  }
}
