import { createNotesApp, guardOptionsFromEnv } from './app.js';

async function main(): Promise<void> {
  const app = await createNotesApp(guardOptionsFromEnv(process.env));
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3002);
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  console.log(`notes API listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
