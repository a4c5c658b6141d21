import { Module } from '@nestjs/common';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';
import { UsersModule } from './users.module.js';

/** The users admin API; separate from UsersModule because AdminAuthModule (its guard) imports that one. */
@Module({ imports: [UsersModule], controllers: [UsersAdminController], providers: [UsersAdminService] })
export class UsersAdminModule {}
