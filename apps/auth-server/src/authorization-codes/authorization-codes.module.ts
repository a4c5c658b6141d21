import { Module } from '@nestjs/common';
import { AuthorizationCodesRepository } from './authorization-codes.repository.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';

@Module({ providers: [AuthorizationCodesRepository, AuthorizationCodesService], exports: [AuthorizationCodesService] })
export class AuthorizationCodesModule {}
