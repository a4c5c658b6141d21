import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** How long open requests get to finish once the listener is closed; past it their sockets are cut. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** The whole shutdown, hooks included; past it the process exits 1 (orchestrators kill at 30 s). */
export const SHUTDOWN_TIMEOUT_MS = 25_000;
const IDLE_REAP_MS = 50;

export interface GracefulShutdownOptions {
  drainTimeoutMs?: number;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

/**
 * Shuts Nest apps down in the order that loses nothing: first every HTTP listener stops and the
 * requests already in flight finish (bounded), and only then app.close() runs the hooks — the audit
 * buffer flush, the outbox relay's last batch, the sync consumer finishing (and acking) the event it
 * is applying — before the database pools close. Nest's own signal handling calls the hooks first,
 * while requests still run, and re-raises the signal (exit 143); this is used instead of it.
 * Apps close in the order given (the auth server before a resource server fed by its events).
 */
export async function shutdownGracefully(apps: NestFastifyApplication[], options: GracefulShutdownOptions = {}): Promise<void> {
  const logger = options.logger ?? new Logger('Shutdown');
  await Promise.all(apps.map((app) => drainHttp(app, options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS, logger)));
  for (const app of apps) await app.close();
}

/** Stops accepting connections and waits for open requests; idle keep-alive sockets are closed as they go idle. */
async function drainHttp(app: NestFastifyApplication, timeoutMs: number, logger: Pick<Logger, 'warn'>): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (!server.listening) return;
  // server.close() reaps the sockets idle at that moment only; one that finishes its response
  // later would hold the close open until its keep-alive timeout.
  const reaper = setInterval(() => server.closeIdleConnections(), IDLE_REAP_MS);
  // The adapter's close: answers 503 on connections already open, then fastify.close() (which app.close() repeats harmlessly).
  const closed = app.getHttpAdapter().close() as Promise<void>;
  try {
    if (!(await settlesWithin(closed, timeoutMs))) {
      logger.warn(`requests still open after ${timeoutMs} ms: closing their connections`);
      server.closeAllConnections();
      await settlesWithin(closed, 1000);
    }
  } finally {
    clearInterval(reaper);
  }
}

/**
 * SIGTERM and SIGINT run `stop` once, then exit 0 (1 if it failed or overran `timeoutMs`). A
 * second signal during shutdown is ignored: the bound already guarantees the process ends.
 */
export function exitGracefullyOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, timeoutMs = SHUTDOWN_TIMEOUT_MS): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const logger = new Logger('Shutdown');
    logger.log(`${signal}: draining requests, then stopping`);
    setTimeout(() => {
      logger.warn(`shutdown took longer than ${timeoutMs} ms: exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.warn(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);
}

/** True once `work` resolves, false if `ms` pass first; a rejection of `work` is the caller's. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
