import { Module } from '@nestjs/common';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ConsentsModule } from '../consents/consents.module.js';
import { toUserConsentResponse } from './dto/user-consent.response.js';
import { toUserSessionResponse } from './dto/user-session.response.js';
import { ConsentsService } from '../consents/consents.service.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { isUuid } from '../common/uuid.js';
import { toUserResponse } from './dto/user.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UserConsentsAdminController } from './user-consents-admin.controller.js';
import { UserSessionsAdminController } from './user-sessions-admin.controller.js';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';
import { UsersModule } from './users.module.js';

/** The users admin API; separate from UsersModule because AdminAuthModule (its guard) imports that one. */
@Module({
  imports: [UsersModule, ClientsModule, TokensModule, AuditModule, SessionsModule, ConsentsModule],
  controllers: [UsersAdminController, UserSessionsAdminController, UserConsentsAdminController],
  providers: [
    UsersAdminService,
    // The audit trail records a changed user as GET /admin/v1/users/:id shows it (no password hash).
    auditTargetView('user', UsersAdminService, (users) => {
      const ids = new UserIdPipe();
      return async (id) => toUserResponse(await users.get(ids.transform(id ?? '')));
    }),
    // An ended session and a withdrawn consent are recorded as the list routes showed them.
    auditTargetView('session', BrowserSessionsService, (sessions) => async (id) => {
      const session = id && isUuid(id) ? await sessions.find(id) : null;
      return session && toUserSessionResponse(session);
    }),
    auditTargetView('consent', ConsentsService, (consents) => async (id) => {
      const consent = id && isUuid(id) ? await consents.find(id) : null;
      return consent && { ...toUserConsentResponse(consent), userId: consent.userId };
    }),
  ],
})
export class UsersAdminModule {}
