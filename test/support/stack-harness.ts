import { freePort, TEST_RESOURCE_CLIENT } from '#testing';
import type { AuthServerConfig } from '../../apps/auth-server/src/config/auth-server.config.js';
import { startTestAuthServer, type RunningAuthServer, type TestAuthServerOptions } from '../../apps/auth-server/test/support/auth-server-harness.js';

/**
 * The full stack's auth server (the suites here boot the real auth server and real resource
 * servers together): on a known port whose issuer is its real URL, so that resource servers can
 * fetch its JWKS and snapshot; it provisions the resource server's client (TEST_RESOURCE_CLIENT).
 * `restart()` comes back on the same port; mutate `config` (e.g. `redisUrl`) before it to reconfigure.
 */
export async function startStackAuthServer(overrides: Partial<AuthServerConfig> = {}, env: Record<string, string> = {}, options: TestAuthServerOptions = {}): Promise<RunningAuthServer> {
  const port = await freePort();
  return startTestAuthServer(
    { port, issuer: `http://127.0.0.1:${port}`, ...overrides },
    { RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId, RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret, ...env },
    options,
  );
}
