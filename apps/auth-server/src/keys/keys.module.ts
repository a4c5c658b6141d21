import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { JwksController } from './jwks.controller.js';
import { KeyStore } from './key-store.js';
import { KeysAdminController } from './keys-admin.controller.js';
import { KeysAdminService } from './keys-admin.service.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

@Module({
  imports: [SettingsModule],
  controllers: [JwksController, KeysAdminController],
  providers: [SigningKeysRepository, KeyStore, KeysAdminService],
  exports: [KeyStore],
})
export class KeysModule {}
