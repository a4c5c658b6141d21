export { appLogging, type AppLogging } from './app-logging.js';
export { installRequestLogging, requestContextOf, requestIdOptions } from './fastify-logging.js';
export { logFormatFor, prettyDestination, type LogFormat } from './log-format.js';
export { createAccessLogger, createAppLogger, REDACT_PATHS, type AppLogLevel, type LoggerOptions } from './logger.js';
export { NestPinoLogger } from './nest-pino-logger.js';
export {
  acceptOrGenerateRequestId,
  currentRequestContext,
  EXPLICIT_REQUEST_CONTEXT,
  REQUEST_ID_HEADER,
  requestContextStoreActive,
  requestContextStoreEntries,
  requestIdHeaders,
  runInsideRequestContext,
  runWithRequestContext,
  type RequestContext,
} from './request-context.js';
