import { ClientMetadataDocumentsModule } from '../client-metadata-documents/client-metadata-documents.module.js';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { ClientAuthentication } from './client-authentication.js';
import { ClientAssertionModule } from '../client-assertion/client-assertion.module.js';
import { GrantRegistry } from './grant-registry.js';
import { ClientCredentialsGrant } from './grants/client-credentials/client-credentials.grant.js';
import { PasswordGrant } from './grants/password/password.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token/refresh-token.grant.js';
import { TokenController } from './token.controller.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenAnswersModule } from './token-answers.js';
import { TokenRoute } from './token-route.js';

/**
 * POST /oauth/token. Grant handlers in other modules (authorization_code) are found by
 * GrantRegistry through @GrantHandlerFor; ClientAuthentication is exported for the
 * introspection and revocation endpoints. TokenRoute answers the POST route Nest registers for
 * TokenController from a plain Fastify handler (token-route.ts).
 */
@Module({
  imports: [DiscoveryModule, TokenAnswersModule, ClientsModule, ClientMetadataDocumentsModule, UsersModule, TokensModule, SettingsModule, AuditModule, RateLimitModule, ResourcesModule, DpopModule, ClientAssertionModule],
  controllers: [TokenController],
  providers: [GrantRegistry, ClientAuthentication, TokenEndpoint, TokenRoute, ClientCredentialsGrant, PasswordGrant, RefreshTokenGrant],
  exports: [ClientAuthentication, GrantRegistry],
})
export class TokenModule {}
