import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { NotFoundProblem } from '../../../../libs/errors/src/index.js';
import { ConsoleAssetsService } from './console-assets.service.js';

/**
 * The web console: one HTML page (hash routing, so /console and the OAuth callback serve the
 * same page) and its static files. It talks to /admin/v1 with a bearer token like any client.
 */
@Controller('console')
export class ConsoleController {
  constructor(@Inject(ConsoleAssetsService) private readonly assets: ConsoleAssetsService) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @Get('callback')
  callback(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @Get('app/:name')
  app(@Param('name') name: string, @Res() reply: FastifyReply): void {
    this.sendAsset(reply, `app/${name}`);
  }

  @Get('vendor/:name')
  vendor(@Param('name') name: string, @Res() reply: FastifyReply): void {
    this.sendAsset(reply, `vendor/${name}`);
  }

  private sendPage(reply: FastifyReply): void {
    const page = this.assets.page();
    void reply.status(200).headers(page.headers).type('text/html; charset=utf-8').send(page.html);
  }

  private sendAsset(reply: FastifyReply, key: string): void {
    const asset = this.assets.asset(key);
    if (!asset) throw new NotFoundProblem('no such console file');
    void reply
      .status(200)
      .headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' })
      .type(asset.contentType)
      .send(asset.body);
  }
}
