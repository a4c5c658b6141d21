import { Module } from '@nestjs/common';
import { REPLAY_STORE, replayStoreProvider } from './replay-store.provider.js';
import { UsedOneTimeIdsRepository } from './used-one-time-ids.repository.js';

@Module({ providers: [UsedOneTimeIdsRepository, replayStoreProvider], exports: [REPLAY_STORE] })
export class ReplayModule {}
