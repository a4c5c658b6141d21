import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';

/** Names the pool worker that answered (its cluster worker id; a restarted worker gets a new one). */
export const WORKER_HEADER = 'x-portcullis-worker';

/**
 * In a pool worker, every response says which worker served it: what an operator (or a test)
 * needs to tell the processes behind one port apart. Nothing in one process.
 */
export function installWorkerIdentity(fastify: FastifyInstance): void {
  if (!cluster.isWorker) return;
  const id = String(cluster.worker!.id);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header(WORKER_HEADER, id);
    done();
  });
}
