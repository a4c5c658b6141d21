import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { TokenModule } from '../token/token.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { LiveGrantCache } from './live-grant-cache.js';
import { IntrospectionController } from './introspection.controller.js';
import { IntrospectionService } from './introspection.service.js';

@Module({ imports: [TokenModule, TokensModule, ClientsModule], controllers: [IntrospectionController], providers: [IntrospectionService, LiveGrantCache], exports: [IntrospectionService] })
export class IntrospectionModule {}
