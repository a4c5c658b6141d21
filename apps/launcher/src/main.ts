import '#operability/deferred-modules';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#database';
import { initialAdminCredentials, startAuthServer } from '../../auth-server/src/bootstrap.js';
import { loadAuthServerConfig } from '../../auth-server/src/config/auth-server.config.js';
import { startResourceServer } from '../../resource-server/src/bootstrap.js';
import { loadResourceServerConfig } from '../../resource-server/src/config/resource-server.config.js';
import { InProcessEventBus } from '#sync';
import { exitGracefullyOnSignals, shutdownGracefully } from '#operability';
import { readLauncherEnv } from './launcher-env.js';
import { embeddedResourceClientCredentials } from './resource-client-credentials.js';

/**
 * `npm start`: both apps in one process. Without DATABASE_URL / RESOURCE_DATABASE_URL each app
 * gets its own PGlite database under .data/, served over the Postgres wire protocol.
 */
async function main(): Promise<void> {
  const env = readLauncherEnv();
  // Both apps share this one process (and its in-process bus): workers are the standalone auth server's.
  if (Number(env.AUTH_WORKERS) > 1) {
    throw new Error('Invalid configuration: AUTH_WORKERS above 1 needs the standalone auth server (npm run start:auth); npm start runs one process');
  }
  if (Number(env.RESOURCE_WORKERS) > 1) {
    throw new Error('Invalid configuration: RESOURCE_WORKERS above 1 needs the standalone resource server (npm run start:resource); npm start runs one process');
  }
  const embedded: EmbeddedPostgres[] = [];
  const authDb = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: join(env.DATA_DIR, 'auth') });
  const resourceDb = env.RESOURCE_DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: join(env.DATA_DIR, 'resource') });
  for (const db of [authDb, resourceDb]) if (db) embedded.push(db);

  const raw = { ...env.raw };
  if (!raw.RESOURCE_CLIENT_ID) {
    const credentials = embeddedResourceClientCredentials(env.DATA_DIR);
    raw.RESOURCE_CLIENT_ID = credentials.clientId;
    raw.RESOURCE_CLIENT_SECRET = credentials.clientSecret;
  }
  // Without Redis both apps share one in-process bus; with REDIS_URL each uses Redis Streams.
  const eventBus = raw.REDIS_URL ? undefined : new InProcessEventBus();
  // The embedded PGlite is one session, never a pooler's: its locks are session-level (docs/pgbouncer.md).
  const embeddedConfig = { embeddedDatabase: true, databasePoolMode: 'session' } as const;
  // One process for both apps: no pool, whatever the databases (workers: 1).
  const authConfig = loadAuthServerConfig(raw, { ...(authDb ? { databaseUrl: authDb.url, ...embeddedConfig } : {}), syncEventBus: eventBus, workers: 1 });
  const resourceConfig = loadResourceServerConfig(raw, { ...(resourceDb ? { databaseUrl: resourceDb.url, ...embeddedConfig } : {}), workers: 1 });
  const auth = await startAuthServer(authConfig);
  const resource = await startResourceServer(resourceConfig, { eventBus });

  const admin = initialAdminCredentials(auth);
  console.log('\nPortcullis is running');
  console.log(`  auth server      ${authConfig.issuer}   (metadata: ${authConfig.issuer}/.well-known/oauth-authorization-server)`);
  console.log(`  web console      ${authConfig.issuer}/console`);
  console.log(`  admin API        ${authConfig.issuer}/admin/v1`);
  console.log(`  resource server  ${resourceConfig.audience}`);
  console.log(`  database         ${authDb ? `embedded PGlite under ${env.DATA_DIR}` : 'DATABASE_URL'}`);
  console.log(`  events           ${eventBus ? 'in-process' : 'Redis Streams (REDIS_URL)'}`);
  if (admin.password) console.log(`  admin login      ${admin.username} / ${admin.password}${admin.generated ? '   (generated: shown once, keep it)' : ''}`);
  else console.log(`  admin login      ${admin.username} (created earlier; password as set then)`);
  console.log('Press Ctrl-C to stop.\n');

  // The auth server closes first: its relay's last batch still reaches the resource server's consumer.
  exitGracefullyOnSignals(async () => {
    await shutdownGracefully([auth, resource]);
    for (const db of embedded) await db.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
