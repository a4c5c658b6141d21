import { Global, Module } from '@nestjs/common';
import { JwksController } from './jwks.controller.js';
import { KeyStore } from './key-store.js';
import { KeysAdminController } from './keys-admin.controller.js';
import { KeysAdminService } from './keys-admin.service.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

@Global()
@Module({
  controllers: [JwksController, KeysAdminController],
  providers: [SigningKeysRepository, KeyStore, KeysAdminService],
  exports: [KeyStore],
})
export class KeysModule {}
