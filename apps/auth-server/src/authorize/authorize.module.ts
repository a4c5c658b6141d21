import { ClientMetadataDocumentsModule } from '../client-metadata-documents/client-metadata-documents.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AuthorizationCodesModule } from '../authorization-codes/authorization-codes.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationResponder } from './authorization-responder.js';
import { AuthorizeController } from './authorize.controller.js';
import { AuthorizeService } from './authorize.service.js';
import { InteractionResolver } from './interaction-resolver.js';
import { PendingRequestsRepository } from './pending/pending-requests.repository.js';
import { PendingRequestsService } from './pending/pending-requests.service.js';
import { PushedRequestResolver } from './pushed/pushed-request-resolver.js';
import { PushedRequestsRepository } from './pushed/pushed-requests.repository.js';
import { SettingsModule } from '../settings/settings.module.js';

/** GET /oauth/authorize and its login and consent pages. */
@Module({
  imports: [ClientsModule, ClientMetadataDocumentsModule, UsersModule, AuthorizationCodesModule, TokensModule, AuditModule, RateLimitModule, SessionsModule, ConsentsModule, ResourcesModule, SettingsModule],
  controllers: [AuthorizeController],
  providers: [AuthorizeService, AuthorizationResponder, InteractionResolver, PendingRequestsService, PendingRequestsRepository, PushedRequestResolver, PushedRequestsRepository],
})
export class AuthorizeModule {}
