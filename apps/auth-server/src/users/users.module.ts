import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InitialAdminService } from './initial-admin.service.js';
import { UserProfileCache } from './profile/user-profile-cache.js';
import { PasswordHashingLimit } from './password-hashing-limit.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, UsersService, InitialAdminService, PasswordHashingLimit, UserProfileCache],
  exports: [UsersService, UsersRepository, InitialAdminService, UserProfileCache],
})
export class UsersModule {}
