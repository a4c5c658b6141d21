import { Module } from '@nestjs/common';
import { MemoryReplayStore, type ReplayStore } from '#dpop';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RegistryProjection } from '../registry/registry-projection.js';
import { ExternalAsModule } from '../external-as/external-as.module.js';
import { ExternalAuthServer } from '../external-as/external-auth-server.js';
import { GuardTelemetryModule } from '../telemetry/guard-telemetry.js';
import { TOKEN_VERIFIER, type TokenVerifier } from './access-token.js';
import { ADMISSION_POLICY, admissionPolicy } from './admission-policy.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { DPOP_REPLAY_STORE, DpopBinding } from './dpop-binding.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { IntrospectionTokenVerifier } from './introspection-token.verifier.js';
import { EXTERNAL_JWT_PROFILE, JwtTokenVerifier } from './jwt-token.verifier.js';
import { PortcullisSigningKeys } from './portcullis-signing-keys.js';

function tokenVerifier(config: ResourceGuardConfig, projection: RegistryProjection, keys: PortcullisSigningKeys, external: ExternalAuthServer): TokenVerifier {
  const isExternal = config.authServerMode === 'external';
  if (config.tokenValidation === 'jwt') {
    return isExternal ? new JwtTokenVerifier(config, external.signingKey, EXTERNAL_JWT_PROFILE) : new JwtTokenVerifier(config, keys.getKey);
  }
  const verifier = new IntrospectionTokenVerifier(config, isExternal ? { endpoint: () => external.introspectionEndpoint() } : undefined);
  projection.onChange(() => verifier.invalidate());
  return verifier;
}

function replayStore(config: ResourceGuardConfig): ReplayStore {
  return config.redisUrl ? new RedisReplayStore(config.redisUrl) : new MemoryReplayStore();
}

/** Bearer token enforcement: a module whose controllers use @RequireScopes imports it. */
@Module({
  imports: [RegistryModule, GuardTelemetryModule, ExternalAsModule],
  providers: [
    PortcullisSigningKeys,
    { provide: TOKEN_VERIFIER, useFactory: tokenVerifier, inject: [RESOURCE_GUARD_CONFIG, RegistryProjection, PortcullisSigningKeys, ExternalAuthServer] },
    { provide: ADMISSION_POLICY, useFactory: admissionPolicy, inject: [RESOURCE_GUARD_CONFIG, RegistryProjection, ExternalAuthServer] },
    // Shared through Redis when there is one (replicas behind one load balancer); else this process's memory (docs/dpop.md).
    { provide: DPOP_REPLAY_STORE, useFactory: replayStore, inject: [RESOURCE_GUARD_CONFIG] },
    { provide: DpopBinding, useFactory: (replays: ReplayStore) => new DpopBinding(replays), inject: [DPOP_REPLAY_STORE] },
    BearerTokenGuard,
  ],
  exports: [TOKEN_VERIFIER, ADMISSION_POLICY, BearerTokenGuard, DpopBinding, PortcullisSigningKeys, RegistryModule],
})
export class AuthModule {}
