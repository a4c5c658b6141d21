import { afterAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#database/embedded-postgres';
import { basicAuthorization } from '../support/auth-server-harness.js';
import { createAuthServer } from '../../src/bootstrap.js';
import { loadAuthServerConfig } from '../../src/config/auth-server.config.js';

const ADMIN = { username: 'root', password: 'embedded-admin-password' };

interface EmbeddedAuthServer {
  database: EmbeddedPostgres;
  app: NestFastifyApplication;
  baseUrl: string;
}

/** The embedded default as the launcher runs it: PGlite on a data directory, then the real app on top. */
async function startOn(dataDir: string): Promise<EmbeddedAuthServer> {
  const database = await startEmbeddedPostgres({ dataDir });
  const config = loadAuthServerConfig(
    { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'error' },
    { databaseUrl: database.url, embeddedDatabase: true, port: 0, host: '127.0.0.1' },
  );
  const app = await createAuthServer(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('not listening on TCP');
  return { database, app, baseUrl: `http://127.0.0.1:${address.port}` };
}

async function stop(server: EmbeddedAuthServer): Promise<void> {
  await server.app.close();
  await server.database.stop();
}

function asAdmin(server: EmbeddedAuthServer, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { authorization: basicAuthorization(ADMIN.username, ADMIN.password), 'content-type': 'application/json' };
  return fetch(server.baseUrl + path, { ...init, headers });
}

// Always PGlite, whatever TEST_DATABASE_URL says: this is the `npm start` default with no database configured.
describe('embedded default (PGlite on a data directory)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-embedded-'));
  let running: EmbeddedAuthServer | undefined;

  afterAll(async () => {
    if (running) await stop(running);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the initial admin, serves the admin API and keeps its data across a restart', async () => {
    running = await startOn(dataDir);
    const created = await asAdmin(running, '/admin/v1/users', {
      method: 'POST',
      body: JSON.stringify({ username: 'persisted', password: 'persisted-password' }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string };
    await stop(running);
    running = undefined;

    running = await startOn(dataDir);
    const found = await asAdmin(running, `/admin/v1/users/${user.id}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(user);
    const all = (await (await asAdmin(running, '/admin/v1/users')).json()) as { items: { username: string }[] };
    expect(all.items.map((item) => item.username)).toEqual(['persisted', 'root']);
  }, 120_000); // two PGlite boots with migrations; jest ignores the e2e project's testTimeout
});
