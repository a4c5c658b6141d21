import { Module } from '@nestjs/common';
import { auditTargetView } from '../audit/audit-target-view.provider.js';
import { AuditModule } from '../audit/audit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { toUserResponse } from './dto/user.response.js';
import { UserIdPipe } from './user-id.pipe.js';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';
import { UsersModule } from './users.module.js';

/** The users admin API; separate from UsersModule because AdminAuthModule (its guard) imports that one. */
@Module({
  imports: [UsersModule, TokensModule, AuditModule],
  controllers: [UsersAdminController],
  providers: [
    UsersAdminService,
    // The audit trail records a changed user as GET /admin/v1/users/:id shows it (no password hash).
    auditTargetView('user', UsersAdminService, (users) => {
      const ids = new UserIdPipe();
      return async (id) => toUserResponse(await users.get(ids.transform(id ?? '')));
    }),
  ],
})
export class UsersAdminModule {}
