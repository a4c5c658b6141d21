import type { Provider } from '@nestjs/common';
import type { ReplayStore } from '#dpop';
import { UsedOneTimeIdsRepository } from './used-one-time-ids.repository.js';

/**
 * The one store of used one-time ids (DPoP proof `jti`, client assertion `jti`) that every
 * auth-server instance shares: inject it as `@Inject(REPLAY_STORE) replay: ReplayStore` and key
 * each id by its kind (`dpop:<jkt>:<jti>`, `assertion:<client_id>:<jti>`). PostgreSQL, not Redis:
 * the database is what every instance already shares and needs to issue anything, so the store
 * adds no dependency and no failure mode of its own (REDIS_URL is optional and only carries events).
 */
export const REPLAY_STORE = Symbol('REPLAY_STORE');

export const replayStoreProvider: Provider<ReplayStore> = { provide: REPLAY_STORE, useExisting: UsedOneTimeIdsRepository };
