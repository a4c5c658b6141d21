import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InitialAdminService } from './initial-admin.service.js';
import { PasswordHashingLimit } from './password-hashing-limit.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, UsersService, InitialAdminService, PasswordHashingLimit],
  exports: [UsersService, UsersRepository, InitialAdminService],
})
export class UsersModule {}
