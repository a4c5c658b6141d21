import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { AuthorizationServerMetadataService } from './authorization-server-metadata.service.js';
import { DiscoveryController } from './discovery.controller.js';
import { ScopeNamesRepository } from './scope-names.repository.js';

@Module({ imports: [SettingsModule], controllers: [DiscoveryController], providers: [ScopeNamesRepository, AuthorizationServerMetadataService] })
export class AuthorizationServerMetadataModule {}
