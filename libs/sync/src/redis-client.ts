import { Cluster, Redis } from 'ioredis';
import { parseRedisUrl, type RedisEndpoint } from './redis-endpoint.js';

/** A connection to what REDIS_URL names; both answer the same commands (every key here is in one command). */
export type RedisClient = Redis | Cluster;

/** The connection options the sync code sets, the same whichever kind of Redis it talks to. */
export interface RedisClientOptions {
  lazyConnect?: boolean;
  /** false: a command fails at once while the connection (or the cluster) is not ready. */
  enableOfflineQueue?: boolean;
  maxRetriesPerRequest?: number;
  connectTimeout?: number;
  commandTimeout?: number;
  /** ms before the next reconnection attempt, or null to give up. */
  retryStrategy?: (attempt: number) => number | null;
  autoResendUnfulfilledCommands?: boolean;
}

/**
 * Opens (lazily, when asked) a client for REDIS_URL: ioredis's `Redis` for one server or a
 * Sentinel group (ioredis asks the Sentinels for the master and follows a failover), its
 * `Cluster` for a Redis Cluster (it follows MOVED/ASK and refreshes the slot map after a
 * failover). Throws RedisUrlError on a URL config validation should already have refused.
 */
export function createRedisClient(url: string, options: RedisClientOptions): RedisClient {
  return clientFor(parseRedisUrl(url), options);
}

function clientFor(endpoint: RedisEndpoint, options: RedisClientOptions): RedisClient {
  switch (endpoint.mode) {
    case 'standalone':
      return new Redis(endpoint.url, options);
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: endpoint.sentinels,
        name: endpoint.masterName,
        db: endpoint.db,
        username: endpoint.username,
        password: endpoint.password,
        sentinelUsername: endpoint.sentinelUsername,
        sentinelPassword: endpoint.sentinelPassword,
        ...(endpoint.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        // While no Sentinel answers, retry at the same pace as a lost connection (or not at all).
        sentinelRetryStrategy: options.retryStrategy,
        // Reconnect as soon as a Sentinel announces a new master, not at the next failed command.
        failoverDetector: true,
      });
    case 'cluster': {
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = options;
      return new Cluster(endpoint.nodes, {
        lazyConnect,
        enableOfflineQueue,
        // The cluster reconnects as a whole (each node's own strategy stays ioredis's default).
        clusterRetryStrategy: retryStrategy,
        redisOptions: {
          ...perNode,
          username: endpoint.username,
          password: endpoint.password,
          ...(endpoint.tls ? { tls: {} } : {}),
        },
      });
    }
  }
}
