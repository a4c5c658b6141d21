import '#operability/deferred-modules';
import { exitGracefullyOnSignals, shutdownGracefully } from '#operability';
import { startResourceServer } from './bootstrap.js';
import { loadResourceServerConfig } from './config/resource-server.config.js';

async function main(): Promise<void> {
  const config = loadResourceServerConfig();
  const app = await startResourceServer(config);
  exitGracefullyOnSignals(() => shutdownGracefully([app]));
  console.log(`resource-server listening on ${config.audience} (bound to ${config.host}:${config.port})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
