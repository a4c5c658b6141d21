import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller.js';
import { ScopeNamesRepository } from './scope-names.repository.js';

@Module({ controllers: [DiscoveryController], providers: [ScopeNamesRepository] })
export class AuthorizationServerMetadataModule {}
