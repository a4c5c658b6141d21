import { startBuiltApp, type BuiltAppProcess } from '#testing/built-app-process';
import { freePort } from '#testing';
import { TEST_ADMIN } from './auth-server-harness.js';

/**
 * The built auth server (node dist/…/main.js, as production runs it; buildApps() first) on a free
 * loopback port with the test admin, plus `env` (DATABASE_URL at least).
 */
export async function startBuiltAuthServer(env: Record<string, string>): Promise<{ server: BuiltAppProcess; baseUrl: string }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startBuiltApp('auth-server', {
    AUTH_PORT: String(port),
    AUTH_HOST: '127.0.0.1',
    AUTH_ISSUER: baseUrl,
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ...env,
  });
  return { server, baseUrl };
}
