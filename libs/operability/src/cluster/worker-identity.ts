import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';

/** The pool's slot a worker fills (0 to size - 1), set by the primary at fork: a replacement keeps its predecessor's. */
export const WORKER_SLOT_ENV = 'PORTCULLIS_WORKER_SLOT';

/** This worker's slot in a WorkerPool; undefined outside one. */
export function workerSlot(): number | undefined {
  const slot = cluster.isWorker ? process.env[WORKER_SLOT_ENV] : undefined;
  return slot === undefined ? undefined : Number(slot);
}

/** Names the pool worker that answered (its cluster worker id; a restarted worker gets a new one). */
export const WORKER_HEADER = 'x-portcullis-worker';

/** This pool worker's id, the WORKER_HEADER's value; undefined in one process. */
export function workerId(): string | undefined {
  return cluster.isWorker ? String(cluster.worker!.id) : undefined;
}

/**
 * In a pool worker, every response says which worker served it: what an operator (or a test)
 * needs to tell the processes behind one port apart. Nothing in one process. (A lane that answers
 * before Fastify adds the header itself: workerId().)
 */
export function installWorkerIdentity(fastify: FastifyInstance): void {
  const id = workerId();
  if (id === undefined) return;
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header(WORKER_HEADER, id);
    done();
  });
}
