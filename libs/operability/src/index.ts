export { DbPoolMetrics } from './db-pool-metrics.js';
export { HttpMetrics, labelMetricsRoute } from './http-metrics.js';
export { MetricsRegistry } from './metrics-registry.js';
export { OperabilityModule } from './operability.module.js';
export { DOCS_PATH, setupOpenApi } from './openapi.js';
export { DRAIN_TIMEOUT_MS, exitGracefullyOnSignals, settlesWithin, SHUTDOWN_TIMEOUT_MS, shutdownGracefully } from './graceful-shutdown.js';
export { HealthEndpointsModule, type HealthEndpointsOptions, type ReadinessIndicator } from './health.js';
export { HEALTH_CHECK_SCHEMA, readiness } from './readiness.js';
export { RouteCatalog, type RegisteredRoute } from './route-catalog.js';
export {
  ApiFormBody,
  ApiOAuthErrors,
  ApiPageResponse,
  ApiProblems,
  ApiQueryDto,
  OAUTH_ERROR_SCHEMA,
  PROBLEM_SCHEMA,
  type ReferenceObject,
  type SchemaObject,
} from './openapi-decorators.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  PageQuery,
  decodeCursor,
  encodeCursor,
  isCursorText,
  isCursorTimestamp,
  toPage,
  type CursorField,
  type Page,
} from './pagination.js';
export { WorkerMetrics } from './cluster/worker-metrics.js';
export { installWorkerIdentity, WORKER_HEADER, workerIdentityHeaders, workerSlot } from './cluster/worker-identity.js';
export { SiblingChannel } from './cluster/sibling-channel.js';
export { HostedLane, laneRequestCompleted, laneServerFactory, type Lane, type LaneAnswered, type LaneBookkeeping, type LaneRequest } from './lane-server.js';
export { glibcRuntimeVersion, MALLOC_TUNING, mallocTuningWarning, missingMallocTuning } from './malloc-tuning.js';
export { MinuteCounters, MAX_PENDING_KEYS } from './activity/minute-counters.js';
export {
  MINUTE_MS,
  minuteOf,
  minuteStamps,
  seriesByLabel,
  seriesGroup,
  seriesTotal,
  sum,
  topLabels,
  windowEndingAt,
  type ActivityCount,
  type ActivityWindow,
  type SeriesGroup,
} from './activity/minute-series.js';
export { CountsFlush } from './activity/counts-flush.js';
export { CountsFlusher } from './activity/counts-flusher.js';
