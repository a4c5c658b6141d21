import { Module } from '@nestjs/common';
import { AuthorizationCodesModule } from '../authorization-codes/authorization-codes.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationResponder } from './authorization-responder.js';
import { AuthorizeController } from './authorize.controller.js';
import { AuthorizeService } from './authorize.service.js';
import { PendingRequestsRepository } from './pending/pending-requests.repository.js';
import { PendingRequestsService } from './pending/pending-requests.service.js';

/** GET /oauth/authorize and its login and consent pages (TokenIssuance comes from the global TokensModule). */
@Module({
  imports: [ClientsModule, UsersModule, AuthorizationCodesModule],
  controllers: [AuthorizeController],
  providers: [AuthorizeService, AuthorizationResponder, PendingRequestsService, PendingRequestsRepository],
})
export class AuthorizeModule {}
