import 'reflect-metadata';
import { exitGracefullyOnSignals, shutdownGracefully } from '#operability';
import { loadAuthServerConfig } from './config/auth-server.config.js';
import { startAuthServer } from './bootstrap.js';

/** Standalone auth server: DATABASE_URL is required (the embedded default is `npm start`). */
async function main(): Promise<void> {
  const config = loadAuthServerConfig();
  const app = await startAuthServer(config);
  exitGracefullyOnSignals(() => shutdownGracefully([app]));
  console.log(`auth-server listening on ${config.issuer} (bound to ${config.host}:${config.port})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
