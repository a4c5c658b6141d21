import { Module } from '@nestjs/common';
import { AuthorizationServerMetadataService } from './authorization-server-metadata.service.js';
import { DiscoveryController } from './discovery.controller.js';
import { OpenIdConfigurationController } from './openid-configuration.controller.js';
import { ScopeNamesRepository } from './scope-names.repository.js';

@Module({ controllers: [DiscoveryController, OpenIdConfigurationController], providers: [ScopeNamesRepository, AuthorizationServerMetadataService] })
export class AuthorizationServerMetadataModule {}
