import { Module } from '@nestjs/common';
import { ReplayModule } from '../replay/replay.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ClientAssertionVerifier } from './client-assertion-verifier.js';
import { ClientKeys } from './client-keys.js';

/** RFC 7523 client assertions: the checks and the clients' public keys (inline or fetched and cached). */
@Module({
  imports: [ReplayModule, SettingsModule],
  providers: [ClientKeys, ClientAssertionVerifier],
  exports: [ClientAssertionVerifier, ClientKeys],
})
export class ClientAssertionModule {}
