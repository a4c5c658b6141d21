export { appLogging, type AppLogging } from './app-logging.js';
export { installRequestLogging, requestIdOptions } from './fastify-logging.js';
export { logFormatFor, prettyDestination, type LogFormat } from './log-format.js';
export { createAccessLogger, createAppLogger, REDACT_PATHS, type AppLogLevel, type LoggerOptions } from './logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export { acceptOrGenerateRequestId, currentRequestContext, REQUEST_ID_HEADER, requestIdHeaders, runWithRequestContext, type RequestContext } from './request-context.js';
