import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PushedRequestsRepository } from '../authorize/pushed/pushed-requests.repository.js';
import { ClientsModule } from '../clients/clients.module.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { ResourcesModule } from '../resources/resources.module.js';
import { TokenModule } from '../token/token.module.js';
import { ParController } from './par.controller.js';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.service.js';

/** POST /oauth/par (RFC 9126); the authorization endpoint takes the pushed requests out (authorize/pushed). */
@Module({
  imports: [TokenModule, ClientsModule, DpopModule, ResourcesModule, AuditModule],
  controllers: [ParController],
  providers: [PushedAuthorizationRequests, PushedRequestsRepository],
})
export class ParModule {}
