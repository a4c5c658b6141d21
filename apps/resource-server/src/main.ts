import 'reflect-metadata';
import '#operability/deferred-modules';
import cluster from 'node:cluster';
import { createAppLogger } from '#observability';
import { runWorkerPool } from '#operability/cluster/worker-pool';
import { loadResourceServerConfig, type ResourceServerConfig } from './config/resource-server.config.js';
import { resourceThreadPoolEnv, threadPoolSize } from './workers/thread-pool.js';

/**
 * Standalone resource server. With RESOURCE_WORKERS above 1 this process is the primary of that
 * many workers on one port (node:cluster), and each worker runs this file again to start the app.
 */
async function main(): Promise<void> {
  const config = loadResourceServerConfig();
  if (config.workers > 1 && cluster.isPrimary) return startPool(config);
  await startApp(config);
}

function startPool(config: ResourceServerConfig): void {
  const logger = createAppLogger({ app: 'resource-server', level: config.logLevel });
  logger.info(`resource-server: ${config.workers} workers on ${config.host}:${config.port} (worker slot 0 reads the events for all)`);
  runWorkerPool({ size: config.workers, log: logger, workerEnv: resourceThreadPoolEnv(process.env) });
}

async function startApp(config: ResourceServerConfig): Promise<void> {
  // Loaded here, not at the top: the pool's primary never builds the app.
  const [{ startResourceServer }, { exitGracefullyOnSignals, shutdownGracefully }] = await Promise.all([import('./bootstrap.js'), import('#operability')]);
  const app = await startResourceServer(config);
  exitGracefullyOnSignals(() => shutdownGracefully([app]));
  const worker = cluster.isWorker ? `, worker ${cluster.worker!.id}` : '';
  const threads = threadPoolSize();
  console.log(
    `resource-server listening on ${config.audience} (bound to ${config.host}:${config.port}${worker}, ${threads} libuv pool thread${threads === 1 ? '' : 's'})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
