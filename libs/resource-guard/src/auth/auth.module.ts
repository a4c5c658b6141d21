import { Module } from '@nestjs/common';
import { RsMetricsModule } from '../metrics/metrics.module.js';
import { RsMetrics } from '../metrics/rs-metrics.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { ExternalAsModule } from '../external-as/external-as.module.js';
import { ExternalAuthServer } from '../external-as/external-auth-server.js';
import { TOKEN_VERIFIER, type TokenVerifier } from './access-token.js';
import { ADMISSION_POLICY, admissionPolicy } from './admission-policy.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { IntrospectionTokenVerifier } from './introspection-token.verifier.js';
import { EXTERNAL_JWT_PROFILE, JwtTokenVerifier } from './jwt-token.verifier.js';

function tokenVerifier(config: ResourceServerConfig, projection: RegistryProjection, metrics: RsMetrics, external: ExternalAuthServer): TokenVerifier {
  const isExternal = config.authServerMode === 'external';
  if (config.tokenValidation === 'jwt') {
    return isExternal ? new JwtTokenVerifier(config, external.signingKey, EXTERNAL_JWT_PROFILE) : JwtTokenVerifier.forPortcullis(config, () => metrics.jwksFetched());
  }
  const verifier = new IntrospectionTokenVerifier(config, isExternal ? { endpoint: () => external.introspectionEndpoint() } : undefined);
  projection.onChange(() => verifier.invalidate());
  return verifier;
}

/** Bearer token enforcement: a module whose controllers use @RequireScopes imports it. */
@Module({
  imports: [RegistryModule, RsMetricsModule, ExternalAsModule],
  providers: [
    { provide: TOKEN_VERIFIER, useFactory: tokenVerifier, inject: [RESOURCE_SERVER_CONFIG, RegistryProjection, RsMetrics, ExternalAuthServer] },
    { provide: ADMISSION_POLICY, useFactory: admissionPolicy, inject: [RESOURCE_SERVER_CONFIG, RegistryProjection, ExternalAuthServer] },
    BearerTokenGuard,
  ],
  exports: [TOKEN_VERIFIER, ADMISSION_POLICY, BearerTokenGuard, RegistryModule],
})
export class AuthModule {}
