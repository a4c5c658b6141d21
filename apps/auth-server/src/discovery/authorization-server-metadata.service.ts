import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { authorizationServerMetadata } from './authorization-server-metadata.js';
import { SettingsService } from '../settings/settings.service.js';
import { ScopeNamesRepository } from './scope-names.repository.js';

/** RFC 8414 and OpenID Connect Discovery metadata as it stands now: the configured issuer and the scopes in the database. */
@Injectable()
export class AuthorizationServerMetadataService {
  constructor(
    private readonly scopes: ScopeNamesRepository,
    private readonly settings: SettingsService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  async metadata(): Promise<Record<string, unknown>> {
    const { dynamicRegistration } = await this.settings.get();
    return authorizationServerMetadata(this.config.issuer, await this.scopes.all(), { registration: dynamicRegistration !== 'off' });
  }
}
