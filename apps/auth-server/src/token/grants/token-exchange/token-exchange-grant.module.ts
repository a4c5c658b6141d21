import { Module } from '@nestjs/common';
import { AuditModule } from '../../../audit/audit.module.js';
import { ClientsModule } from '../../../clients/clients.module.js';
import { ResourcesModule } from '../../../resources/resources.module.js';
import { TokensModule } from '../../../tokens/tokens.module.js';
import { PresentedTokens } from './presented-tokens.js';
import { TokenExchangeGrant } from './token-exchange.grant.js';

/** Registers the RFC 8693 token-exchange handler; the token endpoint finds it by its decorator. */
@Module({ imports: [ClientsModule, TokensModule, ResourcesModule, AuditModule], providers: [TokenExchangeGrant, PresentedTokens] })
export class TokenExchangeGrantModule {}
