import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '#database';
import { isClientId } from '#oauth';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportDocument, type ExportedClient } from './export-format.js';
import { ImportExportRepository } from './import-export.repository.js';
import type { StoredClient } from './import-plan.js';
import { reservedOf } from './reserved.js';
import { withoutUpdatedAt } from './plan-rows.js';

/**
 * GET /admin/v1/export: the registry as one consistent snapshot, in the file POST /admin/v1/import
 * reads. Never a secret in the clear: confidential clients carry the hash of their secret (the
 * same HMAC on every installation, so a re-import keeps the credentials working), users their
 * password hash.
 */
@Injectable()
export class ExportService {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    private readonly transactions: TransactionRunner,
    private readonly repository: ImportExportRepository,
  ) {}

  async export(): Promise<ExportDocument> {
    const state = await this.transactions.run((tx) => this.repository.readState(tx, this.config.resourceAudience));
    const reserved = reservedOf(this.config);
    const now = new Date();
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now.toISOString(),
      exportedBy: this.config.issuer,
      settings: state.settings,
      scopes: [...state.scopes.values()].map(({ name, description, requiredPermission }) => ({ name, description, requiredPermission })),
      // Clients named by a metadata document URL are fetched, not registered: nothing to carry.
      clients: [...state.clients.values()].filter(({ client }) => isClientId(client.clientId) && !reserved.clientIds.has(client.clientId)).map((stored) => exportedClient(stored, now)),
      users: [...state.users.values()].map(({ username, permissions, active, profile, passwordHash }) => {
        return { username, permissions, active, profile: withoutUpdatedAt(profile), passwordHash };
      }),
      resources: [...state.resources.values()]
        .filter((resource) => !reserved.resources.has(resource.identifier))
        .map(({ identifier, name, scopes, accessTokenLifetimeSeconds, clientId }) => ({ identifier, name, scopes, accessTokenLifetimeSeconds, clientId })),
    };
  }
}

function exportedClient({ client, scopes, secretHash, previousSecretHash, previousSecretExpiresAt, secretSealed, previousSecretSealed }: StoredClient, now: Date): ExportedClient {
  const previousLive = previousSecretHash && previousSecretExpiresAt && previousSecretExpiresAt > now;
  const sealing = client.tokenEndpointAuthMethod === 'client_secret_jwt';
  return {
    clientId: client.clientId,
    name: client.name,
    version: client.version,
    description: client.description,
    type: client.type,
    redirectUris: client.redirectUris,
    grants: client.grants,
    accessTokenLifetime: client.accessTokenLifetime,
    refreshCount: client.refreshCount,
    active: client.active,
    introspection: client.introspection,
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    allowedResources: client.allowedResources,
    tokenExchangeAudiences: client.tokenExchangeAudiences,
    tokenExchangeImpersonation: client.tokenExchangeImpersonation,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    scopes,
    ...(secretHash ? { secretHash } : {}),
    ...(previousLive ? { previousSecretHash, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() } : {}),
    ...(secretSealed && sealing ? { sealedSecret: secretSealed } : {}),
    // Assertions HMAC-signed with the previous secret need it itself, as the current one does.
    ...(previousLive && previousSecretSealed && sealing ? { previousSealedSecret: previousSecretSealed } : {}),
  };
}
