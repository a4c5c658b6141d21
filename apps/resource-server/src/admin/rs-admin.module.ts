import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { RsAdminController } from './rs-admin.controller.js';
import { RsAdminService } from './rs-admin.service.js';

@Module({ imports: [AuthModule, RegistryModule], controllers: [RsAdminController], providers: [RsAdminService] })
export class RsAdminModule {}
