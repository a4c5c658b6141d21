import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, type TestDatabase } from '#testing';
import { createAuthServer } from '../../src/bootstrap.js';
import { loadAuthServerConfig, type AuthServerConfig } from '../../src/config/auth-server.config.js';

export const TEST_ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface RunningAuthServer {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AuthServerConfig;
  database: TestDatabase;
  /** `Authorization` header value for the initial admin. */
  adminAuthorization: string;
  /** fetch() relative to the server, JSON in and out by default. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Restarts the app on the same database (persistence tests). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * Boots the real auth server (AppModule, migrations, filters) on a fresh database: a new database
 * in the real PostgreSQL when TEST_DATABASE_URL is set (.ci/run), otherwise an in-memory PGlite.
 */
export interface TestAuthServerOptions {
  /** Another instance's database (scale-out tests): shared, so close() leaves it to its owner. */
  database?: TestDatabase;
}

export async function startTestAuthServer(overrides: Partial<AuthServerConfig> = {}, env: Record<string, string> = {}, options: TestAuthServerOptions = {}): Promise<RunningAuthServer> {
  const shared = options.database;
  const database = shared ?? (await createTestDatabase());
  const config = loadAuthServerConfig(
    // The cheapest password hash cost: suites test logins, not scrypt (password-hashing-queue raises it).
    { ADMIN_USERNAME: TEST_ADMIN.username, ADMIN_PASSWORD: TEST_ADMIN.password, LOG_LEVEL: 'error', PASSWORD_HASH_COST: '10', ...env },
    { databaseUrl: database.url, embeddedDatabase: !database.real, port: 0, host: '127.0.0.1', ...overrides },
  );
  let app: NestFastifyApplication;
  try {
    app = await listen(config);
  } catch (error) {
    if (!shared) await database.drop();
    throw error;
  }
  const running: RunningAuthServer = {
    app,
    baseUrl: await baseUrlOf(app),
    config,
    database,
    adminAuthorization: basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password),
    async request(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(running.baseUrl + path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
    },
    async restart() {
      await app.close();
      app = await listen(config);
      running.app = app;
      running.baseUrl = await baseUrlOf(app);
    },
    async close() {
      await app.close();
      if (!shared) await database.drop();
    },
  };
  return running;
}

async function listen(config: AuthServerConfig): Promise<NestFastifyApplication> {
  const app = await createAuthServer(config);
  // port 0 (the default) picks a free port; a test that needs a known issuer URL passes its own.
  await app.listen(config.port, '127.0.0.1');
  return app;
}

async function baseUrlOf(app: NestFastifyApplication): Promise<string> {
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}
