import type { Provider } from '@nestjs/common';
import { InProcessEventBus, InProcessPublisher, RedisStreamPublisher, SYNC_EVENT_BUS, type SyncPublisher } from '../../../../libs/sync/src/index.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';

export const SYNC_PUBLISHER = Symbol('SYNC_PUBLISHER');

/** The launcher's shared bus when it passed one (single-process mode), else a private one. */
export const syncEventBusProvider: Provider = {
  provide: SYNC_EVENT_BUS,
  inject: [AUTH_SERVER_CONFIG],
  useFactory: (config: AuthServerConfig) => config.syncEventBus ?? new InProcessEventBus(),
};

/** Redis Streams when REDIS_URL is set; otherwise events stay in this process. */
export const syncPublisherProvider: Provider = {
  provide: SYNC_PUBLISHER,
  inject: [AUTH_SERVER_CONFIG, SYNC_EVENT_BUS],
  useFactory: (config: AuthServerConfig, bus: InProcessEventBus): SyncPublisher =>
    config.redisUrl ? new RedisStreamPublisher({ redisUrl: config.redisUrl, stream: config.syncStream }) : new InProcessPublisher(bus),
};
