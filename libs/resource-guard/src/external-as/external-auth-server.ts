import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { JWTVerifyGetKey } from 'jose';
import { TemporarilyUnavailable } from '#oauth';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from '../config/resource-guard.config.js';
import { GuardTelemetry } from '../telemetry/guard-telemetry.js';
import { remoteKeySet, type RemoteKeySet } from '../jwks/remote-key-set.js';
import { RetriedUntilDone } from '../jwks/retried-until-done.js';
import { fetchAuthorizationServerMetadata, type AuthorizationServerMetadata } from './authorization-server-metadata.js';

/**
 * AUTH_SERVER_MODE=external: the authorization server as its metadata describes it. Fetched in
 * the background at start, retried until it answers; ready once the metadata is read and, when
 * tokens are checked by signature, the JWKS at its jwks_uri too. Idle in portcullis mode.
 */
@Injectable()
export class ExternalAuthServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ExternalAuthServer');
  private metadata?: AuthorizationServerMetadata;
  private keys?: RemoteKeySet;
  private ready = false;
  private readonly loading = new RetriedUntilDone(
    async () => {
      await this.load();
      this.ready = true;
      this.logger.log(`authorization server metadata loaded from ${this.config.issuer}`);
    },
    (error) => this.logger.warn(`authorization server metadata not loaded yet, retrying: ${error.message}`),
  );

  constructor(
    @Inject(RESOURCE_GUARD_CONFIG) private readonly config: ResourceGuardConfig,
    private readonly telemetry: GuardTelemetry,
  ) {}

  onModuleInit(): void {
    if (this.config.authServerMode === 'external') this.loading.start();
  }

  onApplicationShutdown(): void {
    this.loading.stop();
  }

  isReady(): boolean {
    return this.ready;
  }

  /** jose's key lookup over the metadata's jwks_uri (unknown kid: one refetch, then a 5 s cooldown). */
  readonly signingKey: JWTVerifyGetKey = (header, token) => {
    if (!this.keys) throw new TemporarilyUnavailable('the authorization server keys have not been fetched yet');
    return this.keys(header, token);
  };

  /** The metadata's introspection_endpoint. */
  introspectionEndpoint(): string {
    const endpoint = this.metadata?.introspection_endpoint;
    if (!endpoint) throw new TemporarilyUnavailable('the authorization server metadata has not been fetched yet');
    return endpoint;
  }

  private async load(): Promise<void> {
    this.metadata ??= await fetchAuthorizationServerMetadata(this.config.issuer, this.config.authServerUrl);
    if (this.config.tokenValidation === 'introspection') {
      if (!this.metadata.introspection_endpoint) throw new Error('the metadata has no introspection_endpoint');
      return;
    }
    if (!this.metadata.jwks_uri) throw new Error('the metadata has no jwks_uri');
    // The same cooldown as for Portcullis's own keys (SECURITY-CHECKLIST RS-12).
    this.keys ??= remoteKeySet(this.metadata.jwks_uri, () => this.telemetry.jwksFetched());
    await this.keys.reload();
  }
}
