import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { BrowserSessionsRepository } from './browser-sessions.repository.js';
import { BrowserSessionsService } from './browser-sessions.service.js';
import { IdTokenHints } from './id-token-hints.js';

/** Browser sessions (single sign-on) and the id_token_hint reader that authorize and logout share. */
@Module({
  imports: [SettingsModule, KeysModule],
  providers: [BrowserSessionsRepository, BrowserSessionsService, IdTokenHints],
  exports: [BrowserSessionsService, IdTokenHints],
})
export class SessionsModule {}
