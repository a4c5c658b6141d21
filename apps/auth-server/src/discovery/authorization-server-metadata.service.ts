import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { authorizationServerMetadata } from './authorization-server-metadata.js';
import { SettingsService } from '../settings/settings.service.js';
import { ScopeNamesRepository } from './scope-names.repository.js';

/** RFC 8414 and OpenID Connect Discovery metadata as it stands now: the configured issuer, the scopes in the database and the settings. */
@Injectable()
export class AuthorizationServerMetadataService {
  constructor(
    private readonly scopes: ScopeNamesRepository,
    private readonly settings: SettingsService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async metadata(): Promise<Record<string, unknown>> {
    const { dynamicRegistration, clientIdMetadataDocuments, requirePushedAuthorizationRequests } = await this.settings.get();
    const metadata = authorizationServerMetadata(this.config.issuer, await this.scopes.all(), {
      registration: dynamicRegistration !== 'off',
      clientSecretJwt: this.config.clientSecretEncryptionKey !== undefined,
      requirePushedAuthorizationRequests,
    });
    // draft-ietf-oauth-client-id-metadata-document: only while the setting is on.
    if (clientIdMetadataDocuments) metadata.client_id_metadata_document_supported = true;
    return metadata;
  }
}
