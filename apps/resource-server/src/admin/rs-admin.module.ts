import { Module } from '@nestjs/common';
import { RsAdminController } from './rs-admin.controller.js';
import { RsAdminService } from './rs-admin.service.js';

@Module({ controllers: [RsAdminController], providers: [RsAdminService] })
export class RsAdminModule {}
