import { Module } from '@nestjs/common';
import { REPLAY_STORE, replayStoreProvider } from './replay-store.provider.js';

@Module({ providers: [replayStoreProvider], exports: [REPLAY_STORE] })
export class ReplayModule {}
