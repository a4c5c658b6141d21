import type { Provider } from '@nestjs/common';
import { InProcessEventBus, InProcessPublisher, RedisStreamPublisher, signEvent, SYNC_EVENT_BUS, type SyncPublisher } from '#sync';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { KeyStore } from '../keys/key-store.js';

export const SYNC_PUBLISHER = Symbol('SYNC_PUBLISHER');

/** The launcher's shared bus when it passed one (single-process mode), else a private one. */
export const syncEventBusProvider: Provider = {
  provide: SYNC_EVENT_BUS,
  inject: [AUTH_SERVER_CONFIG],
  useFactory: (config: AuthServerConfig) => config.syncEventBus ?? new InProcessEventBus(),
};

/**
 * Redis Streams when REDIS_URL is set, each envelope signed with the current access-token key
 * (resource servers verify it against the JWKS and dead-letter anything else). Otherwise events
 * stay in this process, unsigned: only this process can write to the in-process bus.
 */
export const syncPublisherProvider: Provider = {
  provide: SYNC_PUBLISHER,
  inject: [AUTH_SERVER_CONFIG, SYNC_EVENT_BUS, KeyStore],
  useFactory: (config: AuthServerConfig, bus: InProcessEventBus, keys: KeyStore): SyncPublisher =>
    config.redisUrl
      ? new RedisStreamPublisher({
          redisUrl: config.redisUrl,
          stream: config.syncStream,
          encode: async (envelope) => signEvent(envelope, await keys.signingMaterial(), config.issuer),
        })
      : new InProcessPublisher(bus),
};
