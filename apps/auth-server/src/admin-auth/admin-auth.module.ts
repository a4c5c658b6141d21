import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AdminAuditInterceptor } from '../audit/admin-audit.interceptor.js';
import { AuditModule } from '../audit/audit.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { RecentBasicLogins } from './recent-basic-logins.js';

/**
 * Admin API authentication and audit, installed once for the app (APP_GUARD, APP_INTERCEPTOR):
 * both act on the routes marked @AdminApi() (admin-api/) and let every other route through.
 * TokensModule provides the bearer-token verifier (ADMIN_TOKEN_VERIFIER).
 */
@Module({
  imports: [UsersModule, RateLimitModule, AuditModule, TokensModule],
  providers: [
    RecentBasicLogins,
    { provide: APP_GUARD, useClass: AdminAuthGuard },
    { provide: APP_INTERCEPTOR, useClass: AdminAuditInterceptor },
  ],
})
export class AdminAuthModule {}
