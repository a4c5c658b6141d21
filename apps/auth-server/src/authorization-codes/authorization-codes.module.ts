import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { AuthorizationCodesRepository } from './authorization-codes.repository.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';

@Module({ imports: [SettingsModule], providers: [AuthorizationCodesRepository, AuthorizationCodesService], exports: [AuthorizationCodesService] })
export class AuthorizationCodesModule {}
