import { createMcpApp, guardOptionsFromEnv } from './app.js';

async function main(): Promise<void> {
  const app = await createMcpApp(guardOptionsFromEnv(process.env));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3003), process.env.HOST ?? '127.0.0.1');
  console.log(`MCP server listening on ${await app.getUrl()}/mcp`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
