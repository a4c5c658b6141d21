import cluster from 'node:cluster';
import { pino, type DestinationStream, type Logger } from 'pino';
import { stdout } from './log-format.js';

/** The apps' LOG_LEVEL values (Nest's names); `log` is pino's `info`, `verbose` its `trace`. */
export type AppLogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const PINO_LEVELS: Record<AppLogLevel, pino.Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/**
 * Defence in depth: request lines never include bodies or headers (see fastify-logging.ts), but a
 * structured field with one of these names, at the top or one level down, is censored anyway.
 */
const SENSITIVE_KEYS = [
  'password',
  'client_secret',
  'clientSecret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'authorization',
  'cookie',
  'set-cookie',
];
export const REDACT_PATHS = [
  ...SENSITIVE_KEYS.map((key) => `["${key}"]`),
  ...SENSITIVE_KEYS.map((key) => `*["${key}"]`),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  app: string;
  level: AppLogLevel;
  /** Tests capture lines here; otherwise stdout, as JSON or, on a terminal, readable lines (log-format.ts). */
  destination?: DestinationStream;
}

/** Every line names its app, and in a worker of AUTH_WORKERS the worker (the id its responses carry). */
function baseFields(app: string): Record<string, string | number> {
  return cluster.isWorker ? { app, worker: cluster.worker!.id } : { app };
}

export function createAppLogger({ app, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level: PINO_LEVELS[level],
      base: baseFields(app),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? stdout(),
  );
}

/**
 * The per-request access line's logger: the same format, level and destination as the app's, but
 * without the redaction pass. Only fastify-logging.ts writes with it, and only its fixed fields
 * (request id, method, path without query, status, duration, ip): none of them is a structured
 * field that redaction could censor. Redaction with REDACT_PATHS' wildcards costs ~13 us per line
 * (4-5x the rest of the line), which at LOG_LEVEL=log halved the resource server's /api/me
 * throughput (docs/performance.md). Every other line still goes through createAppLogger's redaction.
 */
export function createAccessLogger({ app, level, destination }: LoggerOptions): Logger {
  return pino({ level: PINO_LEVELS[level], base: baseFields(app), timestamp: pino.stdTimeFunctions.isoTime }, destination ?? stdout());
}
