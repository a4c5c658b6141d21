import 'reflect-metadata';
import '#operability/deferred-modules';
import cluster from 'node:cluster';
import { createAppLogger } from '#observability';
import { runWorkerPool } from '#operability/cluster/worker-pool';
import { loadAuthServerConfig, type AuthServerConfig } from './config/auth-server.config.js';

/**
 * Standalone auth server: DATABASE_URL is required (the embedded default is `npm start`). With
 * AUTH_WORKERS above 1 this process is the primary of that many workers on one port (node:cluster),
 * and each worker runs this file again to start the app.
 */
async function main(): Promise<void> {
  const config = loadAuthServerConfig();
  if (config.workers > 1 && cluster.isPrimary) return startPool(config);
  await startApp(config);
}

function startPool(config: AuthServerConfig): void {
  const logger = createAppLogger({ app: 'auth-server', level: config.logLevel });
  logger.info(`auth-server: ${config.workers} workers on ${config.host}:${config.port} (each with its own database pool of up to 20 connections)`);
  runWorkerPool({ size: config.workers, log: logger });
}

async function startApp(config: AuthServerConfig): Promise<void> {
  // Loaded here, not at the top: the pool's primary never builds the app.
  const [{ startAuthServer }, { exitGracefullyOnSignals, shutdownGracefully }] = await Promise.all([import('./bootstrap.js'), import('#operability')]);
  const app = await startAuthServer(config);
  exitGracefullyOnSignals(() => shutdownGracefully([app]));
  console.log(`auth-server listening on ${config.issuer} (bound to ${config.host}:${config.port}${cluster.isWorker ? `, worker ${cluster.worker!.id}` : ''})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
