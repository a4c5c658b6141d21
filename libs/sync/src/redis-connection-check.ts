import { createRedisClient } from './redis-client.js';
import { redactRedisUrl } from './redis-endpoint.js';

/** Replies that mean "wrong or missing credentials", not "Redis is away". */
const CREDENTIAL_REFUSALS = /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i;

/**
 * Connects once and PINGs at boot. Credentials Redis refuses (a wrong password or ACL user, or none
 * where `requirepass` is set) stop the boot with a clear message: retrying cannot fix them. A Redis
 * that is merely away resolves to 'unreachable': the apps start and sync catches up once it is back.
 * For a cluster, connecting means loading its slot map from a seed node; for Sentinels, asking
 * them for the master and reaching it.
 */
export async function checkRedisConnection(url: string, timeoutMs = 3000): Promise<'ok' | 'unreachable'> {
  const redis = createRedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  const seen: string[] = [];
  redis.on('error', (error: Error) => seen.push(error.message));
  // A cluster reports what its nodes answered apart; its connect() only says the slot map failed.
  redis.on('node error', (error: Error) => seen.push(error.message));
  try {
    await redis.connect();
    await redis.ping();
    return 'ok';
  } catch (error) {
    const messages = [(error as Error).message, (error as { lastNodeError?: Error }).lastNodeError?.message, ...seen].filter(Boolean).join('; ');
    const refusal = messages.match(new RegExp(`[^;]*(${CREDENTIAL_REFUSALS.source})[^;]*`, 'i'));
    if (refusal) {
      throw new Error(
        `Invalid configuration: Redis at ${redactRedisUrl(url)} refused the credentials in REDIS_URL (${refusal[0].trim()}); give them as redis://[user]:password@host:port (the same for redis+cluster:// and redis+sentinel://)`,
      );
    }
    return 'unreachable';
  } finally {
    redis.disconnect();
  }
}
