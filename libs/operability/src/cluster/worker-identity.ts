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
function workerId(): string | undefined {
  return cluster.isWorker ? String(cluster.worker!.id) : undefined;
}

/**
 * The WORKER_HEADER a lane's answers carry (a lane answers before Fastify's hooks): spread into
 * its headers. Empty in one process.
 */
export function workerIdentityHeaders(): Readonly<Record<string, string>> {
  const id = workerId();
  const headers: Record<string, string> = id === undefined ? {} : { [WORKER_HEADER]: id };
  return Object.freeze(headers);
}

/**
 * In a pool worker, every response says which worker served it: what an operator (or a test)
 * needs to tell the processes behind one port apart. Nothing in one process. (A lane that answers
 * before Fastify adds the header itself: workerIdentityHeaders().)
 */
export function installWorkerIdentity(fastify: FastifyInstance): void {
  const id = workerId();
  if (id === undefined) return;
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header(WORKER_HEADER, id);
    done();
  });
}
