import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { NotFoundProblem } from '#errors';
import { ConsoleAssetsService } from './console-assets.service.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '#operability';

/**
 * The web console: one HTML page (hash routing, so /console and the OAuth callback serve the
 * same page) and its static files. It talks to /admin/v1 with a bearer token like any client.
 */
@ApiTags('console')
@Controller('console')
export class ConsoleController {
  constructor(@Inject(ConsoleAssetsService) private readonly assets: ConsoleAssetsService) {}

  @ApiOperation({ summary: 'The web console page' })
  @ApiOkResponse({ description: 'HTML page' })
  @Get()
  page(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @ApiOperation({ summary: "The console's OAuth redirect URI (same page)" })
  @ApiOkResponse({ description: 'HTML page' })
  @Get('callback')
  callback(@Res() reply: FastifyReply): void {
    this.sendPage(reply);
  }

  @ApiOperation({ summary: 'A console script or stylesheet' })
  @ApiOkResponse({ description: 'the file' })
  @ApiProblems(404)
  @Get('app/:name')
  app(@Param('name') name: string, @Res() reply: FastifyReply): void {
    this.sendAsset(reply, `app/${name}`);
  }

  @ApiOperation({ summary: 'A vendored library file (Preact, htm)' })
  @ApiOkResponse({ description: 'the file' })
  @ApiProblems(404)
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
