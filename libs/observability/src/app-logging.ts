import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { installRequestLogging, logRequestCompleted } from './fastify-logging.js';
import { createAccessLogger, createAppLogger, type AppLogLevel } from './logger.js';
import { NestPinoLogger } from './nest-pino-logger.js';

export interface AppLogging {
  logger: Logger;
  /** For NestFactory.create's `logger` option. */
  nestLogger: NestPinoLogger;
  /** Adds the request-id, request-context and request-line hooks to the adapter's instance. */
  install(fastify: FastifyInstance): void;
  /** The access log's line for a request answered outside Fastify's hooks. */
  requestCompleted(reqId: string, method: string, url: string, status: number, ms: number, ip: string): void;
}

/** What each bootstrap.ts needs, from the app's `logLevel` and optional `logDestination`. */
export function appLogging(app: string, config: { logLevel: AppLogLevel; logDestination?: DestinationStream }): AppLogging {
  const options = { app, level: config.logLevel, destination: config.logDestination };
  const logger = createAppLogger(options);
  const accessLogger = createAccessLogger(options);
  return {
    logger,
    nestLogger: new NestPinoLogger(logger),
    install: (fastify) => installRequestLogging(fastify, accessLogger),
    requestCompleted: (reqId, method, url, status, ms, ip) => logRequestCompleted(accessLogger, reqId, method, url, status, ms, ip),
  };
}
