/**
 * @portcullis/nest-resource-guard: the resource server's token check, synced registry,
 * @RequireScopes and RFC 9728 metadata, for the resource server itself and for any Nest app
 * (ResourceGuardModule). Reached as '#resource-guard' inside this repository.
 */
export { ResourceGuardModule, type ResourceGuardAsyncOptions, type HostedGuardOptions } from './resource-guard.module.js';
export { resolveResourceGuardConfig, DEFAULT_SNAPSHOT_POLL_MS, type ResourceGuardOptions } from './config/resource-guard.options.js';
export { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig, type AuthServerMode } from './config/resource-guard.config.js';
export { RequireScopes, Public, CurrentAccess } from './auth/require-scopes.decorator.js';
export { BearerTokenGuard, type AuthenticatedRequest } from './auth/bearer-token.guard.js';
export { BearerErrorFilter } from './auth/bearer-error.filter.js';
/** The class of every refusal the guard throws (status, error, description, WWW-Authenticate in headers): for an app rendering them with its own filter. */
export { OAuthError } from '#oauth';
export { AuthModule } from './auth/auth.module.js';
export { TOKEN_VERIFIER, type AccessTokenPrincipal, type AuthenticatedAccess, type TokenVerifier } from './auth/access-token.js';
export { AdmissionMemo } from './auth/admission-memo.js';
export { ADMISSION_POLICY, type AdmissionPolicy } from './auth/admission-policy.js';
// RFC 6750 header parsing lives in #oauth (the auth server's userinfo parses the same header).
export { assertNoTokenOutsideHeader, parseBearerAuthorization } from '#oauth';
export { assertAudience, missingScopes, UnknownClient } from './auth/token-admission.js';
export { RegistryCatchUp } from './registry/registry-catch-up.js';
export { DpopBinding, DPOP_REPLAY_STORE, type ProofContext } from './auth/dpop-binding.js';
export { resourceMetadataUrl, withResourceMetadata } from './auth/resource-metadata.js';
export { EXTERNAL_JWT_PROFILE, PORTCULLIS_JWT_PROFILE } from './auth/jwt-token.verifier.js';
export { RegistryModule } from './registry/registry.module.js';
export { RegistryProjection } from './registry/registry-projection.js';
export { RegistrySyncService } from './registry/registry-sync.service.js';
export type { LeaderTransportStatus, RegistryNotice, RegistrySiblings } from './config/registry-siblings.js';
export { SyncTransportRegistry, STALENESS_BUDGET_MS } from './registry/sync-status.js';
export type { ProjectedClient, ScopeRecord } from './registry/registry.js';
export { ExternalAsModule } from './external-as/external-as.module.js';
export { ExternalAuthServer } from './external-as/external-auth-server.js';
export { PortcullisSigningKeys } from './auth/portcullis-signing-keys.js';
export { GuardTelemetry, GuardTelemetryModule } from './telemetry/guard-telemetry.js';
export { REGISTRY_DATA_SOURCE } from './database/registry-data-source.js';
export { registryMigrations } from './database/migrations/index.js';
