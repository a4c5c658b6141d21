import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AdminAuthGuard } from './admin-auth.guard.js';

@Global()
@Module({ imports: [UsersModule], providers: [AdminAuthGuard], exports: [AdminAuthGuard, UsersModule] })
export class AdminAuthModule {}
