import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InProcessEventBus, type SyncEnvelope } from '#sync';
import { createTestDatabase, TEST_RESOURCE_CLIENT, type TestDatabase } from '#testing';
// The harness boots the real resource server through its public bootstrap, which is what it is for.
import { createResourceServer, registryHandle, type RegistryHandle } from '../../src/bootstrap.js';
import { loadResourceServerConfig, type ResourceServerConfig } from '../../src/config/resource-server.config.js';

export interface TestResourceServerOptions {
  /** The auth server (or a stand-in serving /oauth/jwks and /internal/v1/sync/snapshot). */
  issuer: string;
  overrides?: Partial<ResourceServerConfig>;
  env?: Record<string, string>;
  /** Shared with an auth server in the same process; a fresh one otherwise (unused with a redisUrl override). */
  bus?: InProcessEventBus;
  /** With `overrides.redisUrl`: the stream to read, so that tests on a shared Redis stay apart. */
  syncStream?: string;
  /** A database of the caller's (e.g. reached through a pooler): close() leaves it to its owner. */
  database?: TestDatabase;
}

export interface RunningResourceServer {
  app: NestFastifyApplication;
  baseUrl: string;
  config: ResourceServerConfig;
  database: TestDatabase;
  bus: InProcessEventBus;
  /** fetch() relative to the server; `token` becomes `Authorization: Bearer <token>`. */
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  /** Appends to the in-process bus, as the auth server's relay would. */
  publish(envelope: SyncEnvelope): void;
  /** Resolves once the first registry snapshot is loaded. */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** Resolves once the resource server has applied every event up to `seq`. */
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>;
  lastAppliedSeq(): number;
  /** The running app's synced registry (state, resync), through the bootstrap's registryHandle. */
  registry(): RegistryHandle;
  /** Restarts the app on the same database and bus (persistence tests). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the real resource server (migrations, filters, in-process sync transport) on a fresh
 * database: a new database in TEST_DATABASE_URL's server, otherwise an in-memory PGlite.
 */
export async function startTestResourceServer(options: TestResourceServerOptions): Promise<RunningResourceServer> {
  const shared = options.database;
  const database = shared ?? (await createTestDatabase());
  const bus = options.bus ?? new InProcessEventBus();
  const config = loadResourceServerConfig(
    {
      AUTH_ISSUER: options.issuer,
      RESOURCE_CLIENT_ID: TEST_RESOURCE_CLIENT.clientId,
      RESOURCE_CLIENT_SECRET: TEST_RESOURCE_CLIENT.clientSecret,
      LOG_LEVEL: 'error',
      ...options.env,
    },
    { databaseUrl: database.url, embeddedDatabase: !database.real, port: 0, host: '127.0.0.1', redisUrl: undefined, ...options.overrides },
  );
  const group = `rs-test-${Math.random().toString(36).slice(2)}`;
  let app: NestFastifyApplication;
  try {
    app = await listen(config, bus, group, options.syncStream);
  } catch (error) {
    if (!shared) await database.drop();
    throw error;
  }
  const running: RunningResourceServer = {
    app,
    baseUrl: await baseUrlOf(app),
    config,
    database,
    bus,
    async request(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return fetch(running.baseUrl + path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
    },
    publish(envelope) {
      bus.append(envelope);
    },
    async waitUntilReady(timeoutMs = 30_000) {
      await waitFor(() => running.registry().isReady(), timeoutMs, 'the registry snapshot to load');
    },
    async waitForSeq(seq, timeoutMs = 30_000) {
      await waitFor(() => running.lastAppliedSeq() >= seq, timeoutMs, `seq ${seq} to be applied`);
    },
    lastAppliedSeq() {
      return running.registry().lastAppliedSeq();
    },
    registry() {
      return registryHandle(running.app);
    },
    async restart() {
      await app.close();
      app = await listen(config, bus, group, options.syncStream);
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

async function listen(config: ResourceServerConfig, eventBus: InProcessEventBus, consumerGroup: string, syncStream?: string): Promise<NestFastifyApplication> {
  const app = await createResourceServer(config, { eventBus, consumerGroup, syncStream });
  await app.startAllMicroservices();
  // port 0 (the default) picks a free port; a test that needs a known issuer URL passes its own.
  await app.listen(config.port, '127.0.0.1');
  return app;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function baseUrlOf(app: NestFastifyApplication): Promise<string> {
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the server is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}
