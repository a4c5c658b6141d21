import { Module } from '@nestjs/common';
import { AuthorizationCodesModule } from '../../../authorization-codes/authorization-codes.module.js';
import { ClientsModule } from '../../../clients/clients.module.js';
import { ResourcesModule } from '../../../resources/resources.module.js';
import { TokensModule } from '../../../tokens/tokens.module.js';
import { AuthorizationCodeGrant } from './authorization-code.grant.js';

/** Registers the authorization_code handler; the token endpoint finds it by its decorator. */
@Module({ imports: [AuthorizationCodesModule, ClientsModule, TokensModule, ResourcesModule], providers: [AuthorizationCodeGrant] })
export class AuthorizationCodeGrantModule {}
