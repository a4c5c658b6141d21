import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { JWTVerifyGetKey } from 'jose';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { GuardTelemetry } from '../telemetry/guard-telemetry.js';
import { remoteKeySet, type RemoteKeySet } from '../jwks/remote-key-set.js';
import { RetriedUntilDone } from '../jwks/retried-until-done.js';

/**
 * The keys of Portcullis's access tokens, at its /oauth/jwks. Fetched at start, retried every
 * second until they come, so that readiness can wait for them: a resource server that has never
 * had the keys can admit no token (503), and a load balancer must not send it traffic before
 * (F-15). Fetched ahead, not on the first token: traffic only comes once ready. Idle in external
 * mode (ExternalAuthServer has the keys there) and with introspection.
 */
@Injectable()
export class PortcullisSigningKeys implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PortcullisSigningKeys');
  private readonly keys: RemoteKeySet;
  private readonly loading = new RetriedUntilDone(
    () => this.keys.reload(),
    (error) => this.logger.warn(`the authorization server keys are not fetched yet, retrying: ${error.message}`),
  );

  constructor(
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: ResourceGuardConfig,
    telemetry: GuardTelemetry,
  ) {
    this.keys = remoteKeySet(`${config.authServerUrl}/oauth/jwks`, () => telemetry.jwksFetched());
  }

  onModuleInit(): void {
    if (this.config.authServerMode !== 'external' && this.config.tokenValidation === 'jwt') this.loading.start();
  }

  onApplicationShutdown(): void {
    this.loading.stop();
  }

  /** Whether the keys were fetched once: jose keeps them when a later refetch fails. */
  isLoaded(): boolean {
    return this.keys.jwks() !== undefined;
  }

  /** jose's key lookup (unknown kid: one refetch, then the cooldown). */
  readonly getKey: JWTVerifyGetKey = (header, token) => this.keys(header, token);
}
