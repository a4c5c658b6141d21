import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundProblem } from '#errors';
import { EXTERNAL_JWT_PROFILE, PORTCULLIS_JWT_PROFILE, Public } from '#resource-guard';
import { DPOP_SIGNING_ALGS } from '#dpop';
import { ApiProblems } from '#operability';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { scopesOf } from '../routes/route.js';
import { RouteMatcher } from '../routes/route-matcher.js';

/**
 * RFC 9728 for each gateway route (CONTRACT "Precisions", Gateway): the document of the route whose
 * prefix is the path after the well-known name, naming the resource its tokens must be for and the
 * scopes its rule asks; the 401s of that route point here (resource_metadata). The resource
 * server's own document (no path) is the resource guard's.
 */
@Public()
@ApiTags('oauth')
@Controller('.well-known/oauth-protected-resource')
export class RouteMetadataController {
  constructor(
    @Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig,
    private readonly matcher: RouteMatcher,
  ) {}

  @ApiOperation({ summary: "A gateway route's protected resource metadata (RFC 9728), by its path prefix" })
  @ApiOkResponse({ description: 'The RFC 9728 document of the route with that prefix' })
  @ApiProblems(404)
  @Get('*')
  @Header('cache-control', 'public, max-age=60')
  metadata(@Param('*') prefix: string): Record<string, unknown> {
    const pathPrefix = `/${prefix}`.replace(/\/$/, '');
    const route = this.matcher.routes.find((candidate) => candidate.pathPrefix === pathPrefix);
    if (route === undefined || pathPrefix === '') throw new NotFoundProblem(`no route has the prefix ${pathPrefix || '/'}`);
    return {
      resource: route.resource ?? this.config.audience,
      authorization_servers: [this.config.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: [...scopesOf(route.scopes)],
      resource_signing_alg_values_supported: (this.config.authServerMode === 'external' ? EXTERNAL_JWT_PROFILE : PORTCULLIS_JWT_PROFILE).algorithms,
      dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    };
  }
}
