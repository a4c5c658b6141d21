import { Controller, Get, Header, Inject } from '@nestjs/common';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { EXTERNAL_JWT_PROFILE, PORTCULLIS_JWT_PROFILE } from '../auth/jwt-token.verifier.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/require-scopes.decorator.js';
import { PROTECTED_RESOURCE_METADATA } from './protected-resource.schema.js';

/** RFC 9728 protected resource metadata: public, also where the guard protects every route. */
@Public()
@ApiTags('oauth')
@Controller('.well-known')
export class ProtectedResourceController {
  constructor(
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: ResourceGuardConfig,
    private readonly projection: RegistryProjection,
  ) {}

  @ApiOperation({ summary: 'Protected resource metadata (RFC 9728)' })
  @ApiOkResponse({ schema: PROTECTED_RESOURCE_METADATA })
  @Get('oauth-protected-resource')
  @Header('cache-control', 'public, max-age=60')
  metadata(): Record<string, unknown> {
    return {
      resource: this.config.audience,
      authorization_servers: [this.config.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: this.config.scopesSupported ?? this.projection.allScopes().map((scope) => scope.name),
      resource_signing_alg_values_supported: (this.config.authServerMode === 'external' ? EXTERNAL_JWT_PROFILE : PORTCULLIS_JWT_PROFILE).algorithms,
    };
  }
}
