import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { TokenModule } from '../token/token.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { LiveGrantCache } from './live-grant-cache.js';
import { IntrospectionController } from './introspection.controller.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';
import { IntrospectionRoute } from './introspection-route.js';
import { IntrospectionService } from './introspection.service.js';
import { JwtIntrospectionResponse } from './jwt-introspection-response.js';
import { TokenScanThrottle } from './token-scan-throttle.js';

@Module({ imports: [TokenModule, TokensModule, ClientsModule, KeysModule, ResourcesModule, AuditModule], controllers: [IntrospectionController], providers: [IntrospectionService, LiveGrantCache, JwtIntrospectionResponse, IntrospectionEndpoint, IntrospectionRoute, TokenScanThrottle], exports: [IntrospectionService] })
export class IntrospectionModule {}
