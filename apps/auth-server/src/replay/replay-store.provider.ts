import type { Provider } from '@nestjs/common';
import { MemoryReplayStore, type ReplayStore } from '#dpop';

/**
 * The one store of used one-time ids (DPoP proof `jti`, client assertion `jti`) that every
 * auth-server instance shares: inject it as `@Inject(REPLAY_STORE) replay: ReplayStore` and key
 * each id by its kind (`dpop:<jkt>:<jti>`, `assertion:<client_id>:<jti>`).
 */
export const REPLAY_STORE = Symbol('REPLAY_STORE');

export const replayStoreProvider: Provider<ReplayStore> = {
  provide: REPLAY_STORE,
  useFactory: () => new MemoryReplayStore(),
};
