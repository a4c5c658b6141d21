import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { RecentBasicLogins } from './recent-basic-logins.js';

@Global()
@Module({ imports: [UsersModule], providers: [AdminAuthGuard, RecentBasicLogins], exports: [AdminAuthGuard, RecentBasicLogins, UsersModule] })
export class AdminAuthModule {}
