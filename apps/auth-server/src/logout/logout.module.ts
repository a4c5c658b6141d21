import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { LogoutController } from './logout.controller.js';
import { LogoutService } from './logout.service.js';

/** GET|POST /oauth/logout (OpenID Connect RP-Initiated Logout 1.0). */
@Module({
  imports: [SessionsModule, ClientsModule, UsersModule, AuditModule],
  controllers: [LogoutController],
  providers: [LogoutService],
})
export class LogoutModule {}
