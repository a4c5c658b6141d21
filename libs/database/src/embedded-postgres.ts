import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL the apps use through the ordinary TypeORM + pg path. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory that keeps the data across restarts; omit for an in-memory database. */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * A data directory dumped by PGlite's dumpDataDir() to start from, instead of running initdb
   * (most of PGlite's start-up time; the tests share one, test/global-setup.js).
   */
  loadDataDir?: Blob;
}

/**
 * PostgreSQL served in-process by PGlite over the wire protocol, so that the embedded default
 * runs the same driver, migrations and SQL as production. PGlite has a single session: each
 * pooled connection gets pglite-socket's protocol handler, and PGliteSessionQueue decides whose
 * messages run (see there for why it replaces pglite-socket's own server).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Loaded here: every importer of #database would otherwise keep PGlite's sources (0.5 MB) in
  // memory, a server on DATABASE_URL included.
  const [{ PGlite }, { PGLiteSocketHandler }, { PGliteSessionQueue }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
    import('./pglite-session-queue.js'),
  ]);
  const db = await PGlite.create({ ...(options.dataDir && { dataDir: options.dataDir }), ...(options.loadDataDir && { loadDataDir: options.loadDataDir }) });
  const queue = new PGliteSessionQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket: Socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    socket.on('close', () => handlers.delete(handler));
    void handler.attach(socket).catch(() => socket.destroy());
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      for (const handler of handlers) await handler.detach(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
