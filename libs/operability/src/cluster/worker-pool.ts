import cluster, { type Worker } from 'node:cluster';
import { SHUTDOWN_TIMEOUT_MS } from '../graceful-shutdown.js';
import { PoolMetrics } from './pool-metrics.js';
import { RestartBackoff } from './restart-backoff.js';
import { relaySiblingMessages } from './sibling-channel.js';
import { WORKER_SLOT_ENV } from './worker-identity.js';

/** What the pool reports; main.ts passes the app's logger. */
export interface PoolLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerPoolOptions {
  /** Worker processes, each running the app (main.ts in a worker starts the app itself). */
  size: number;
  log: PoolLog;
  /** Added to each worker's environment (cluster.fork passes the primary's own too). */
  workerEnv?: Record<string, string>;
  /** Workers get SHUTDOWN_TIMEOUT_MS for their own graceful shutdown; past this the rest are killed. */
  shutdownTimeoutMs?: number;
}

interface Slot {
  /** Kept by the worker that replaces one that exited (WORKER_SLOT_ENV), unlike cluster's worker id. */
  index: number;
  worker?: Worker;
  listeningAt?: number;
  backoff: RestartBackoff;
  restart?: NodeJS.Timeout;
}

/**
 * The primary of `AUTH_WORKERS` processes on one port (node:cluster): it forks them, serves no
 * requests itself (it hands each new connection to the next worker, round robin) and:
 * - restarts a worker that exits, after RestartBackoff's delay; but if no worker ever started
 *   listening, the first failure ends the pool (exit 1), as one process would end on a bad boot;
 * - on SIGTERM or SIGINT stops restarting and passes SIGTERM to every worker, each of which drains
 *   its requests and runs its shutdown hooks (libs/operability graceful-shutdown); exits 0 once all
 *   exited 0, else 1, and kills whatever still runs after `shutdownTimeoutMs`. A connection that
 *   arrives just as the last workers close their listeners may be left unanswered until the pool
 *   exits, then reset (node:cluster queues a connection a closing worker sent back even when no
 *   worker is left: RoundRobinHandle.distribute after remove); one accepted a moment later is refused;
 * - answers the workers' GET /metrics with the pool's aggregate (PoolMetrics);
 * - relays what a worker tells its siblings (sibling-channel.ts).
 * Workers share nothing in memory: what they share lives in PostgreSQL, as between instances.
 */
export function runWorkerPool({ size, log, workerEnv = {}, shutdownTimeoutMs = SHUTDOWN_TIMEOUT_MS + 5000 }: WorkerPoolOptions): void {
  const slots: Slot[] = Array.from({ length: size }, (_, index) => ({ index, backoff: new RestartBackoff() }));
  let everListened = false;
  let stopping = false;
  let failed = false;
  new PoolMetrics();
  relaySiblingMessages();

  const fork = (slot: Slot) => {
    slot.restart = undefined;
    slot.listeningAt = undefined;
    const worker = cluster.fork({ ...workerEnv, [WORKER_SLOT_ENV]: String(slot.index) });
    slot.worker = worker;
    worker.once('listening', () => {
      slot.listeningAt = Date.now();
      everListened = true;
    });
    worker.once('exit', (code, signal) => {
      slot.worker = undefined;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        if (code !== 0) failed = true;
        return exitWhenAllGone();
      }
      if (!everListened) {
        log.error(`worker ${worker.id} (pid ${worker.process.pid}) exited with ${how} before any worker started: stopping`);
        return stop(1);
      }
      const delay = slot.backoff.delayAfter(slot.listeningAt === undefined ? 0 : Date.now() - slot.listeningAt);
      log.warn(`worker ${worker.id} (pid ${worker.process.pid}) exited with ${how}: restarting it in ${delay} ms`);
      slot.restart = setTimeout(() => fork(slot), delay);
    });
  };

  const exitWhenAllGone = () => {
    if (slots.every((slot) => slot.worker === undefined)) process.exit(failed ? 1 : 0);
  };

  const stop = (code?: number) => {
    if (stopping) return;
    stopping = true;
    if (code) failed = true;
    for (const slot of slots) clearTimeout(slot.restart);
    setTimeout(() => {
      log.warn(`workers still running after ${shutdownTimeoutMs} ms: killing them`);
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownTimeoutMs).unref();
    for (const slot of slots) slot.worker?.process.kill('SIGTERM');
    exitWhenAllGone();
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log.info(`${signal}: stopping ${size} workers (each drains its requests)`);
      stop();
    });
  }
  for (const slot of slots) fork(slot);
}
