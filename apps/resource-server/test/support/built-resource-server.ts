import { startBuiltApp, type BuiltAppProcess } from '#testing/built-app-process';
import { freePort, TEST_RESOURCE_CLIENT } from '#testing';

/**
 * The built resource server (node dist/…/main.js, as production runs it; buildApps() first) on a
 * free loopback port, synced from `issuer` through `redisUrl` into `databaseUrl` as the test
 * resource client, plus `env` (its audience defaults to its own URL). One process unless `env`
 * sets RESOURCE_WORKERS (with REDIS_URL the default would be one per core).
 */
export async function startBuiltResourceServer(
  { issuer, databaseUrl, redisUrl }: { issuer: string; databaseUrl: string; redisUrl: string },
  env: Record<string, string> = {},
): Promise<{ server: BuiltAppProcess; baseUrl: string; port: number }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startBuiltApp('resource-server', {
    RESOURCE_DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    AUTH_ISSUER: issuer,
    RESOURCE_PORT: String(port),
    RESOURCE_HOST: '127.0.0.1',
    RESOURCE_AUDIENCE: baseUrl,
    RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId,
    RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret,
    RESOURCE_WORKERS: '1',
    ...env,
  });
  return { server, baseUrl, port };
}
