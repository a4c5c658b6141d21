import { Global, Module } from '@nestjs/common';
import { JwksController } from './jwks.controller.js';
import { KeyStore } from './key-store.js';
import { KeysAdminController } from './keys-admin.controller.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

@Global()
@Module({
  controllers: [JwksController, KeysAdminController],
  providers: [SigningKeysRepository, KeyStore],
  exports: [KeyStore],
})
export class KeysModule {}
