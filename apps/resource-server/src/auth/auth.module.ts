import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { TOKEN_VERIFIER, type TokenVerifier } from './access-token.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { IntrospectionTokenVerifier } from './introspection-token.verifier.js';
import { JwtTokenVerifier } from './jwt-token.verifier.js';

function tokenVerifier(config: ResourceServerConfig, projection: RegistryProjection, metrics: RsMetrics): TokenVerifier {
  if (config.tokenValidation === 'jwt') return new JwtTokenVerifier(config, () => metrics.jwksFetched());
  const verifier = new IntrospectionTokenVerifier(config);
  projection.onChange(() => verifier.invalidate());
  return verifier;
}

/** Bearer token enforcement: a module whose controllers use @RequireScopes imports it. */
@Module({
  imports: [RegistryModule, RsMetricsModule],
  providers: [{ provide: TOKEN_VERIFIER, useFactory: tokenVerifier, inject: [RESOURCE_SERVER_CONFIG, RegistryProjection, RsMetrics] }, BearerTokenGuard],
  exports: [TOKEN_VERIFIER, BearerTokenGuard, RegistryModule],
})
export class AuthModule {}
