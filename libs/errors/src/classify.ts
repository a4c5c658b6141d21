/** Recognises infrastructure failures so that they become 503 rather than an opaque 500. */
const UNAVAILABLE_CODES = new Set([
  ...['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'],
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down), query_canceled (statement_timeout)
  ...['57P01', '57P02', '57P03', '57014'],
  // lock_not_available: lock_timeout ran out waiting for a row another transaction holds (a
  // migration's ALTER, a long admin write); the same request succeeds once it is released.
  '55P03',
  // Serialization failure, deadlock, commit outcome unknown: reached here only once the bounded
  // server-side retry (libs/database retryConflicts) gave up, so the client should retry later.
  ...['40001', '40P01', '40003'],
]);
/** SQLSTATE classes 08 (connection exception) and 53 (insufficient resources: 53300 too many connections). */
const UNAVAILABLE_CLASSES = /^(08|53)[0-9A-Z]{3}$/;
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection is closed/i,
  /Client was closed and is not queryable/i,
  /Query read timeout/i,
  // TypeORM, when the connection of an open transaction died under it (PostgreSQL restarted).
  /query runner (?:was )?already released/i,
];

/**
 * TypeORM releases a query runner whose connection failed (PostgresQueryRunner listens for the
 * client's 'error'), so the next statement of a transaction cut by a shutdown throws these.
 */
const UNAVAILABLE_NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

export function isUnavailableError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const candidate = error as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof candidate.name === 'string' && UNAVAILABLE_NAMES.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && (UNAVAILABLE_CODES.has(candidate.code) || UNAVAILABLE_CLASSES.test(candidate.code))) return true;
  if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(candidate.message as string))) return true;
  // Node reports a refused connect to several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const nested = error instanceof AggregateError ? error.errors : [];
  return isUnavailableError(candidate.driverError) || isUnavailableError(candidate.cause) || nested.some(isUnavailableError);
}

/** PostgreSQL SQLSTATE of a (possibly TypeORM-wrapped) driver error. */
export function sqlState(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = candidate.driverError?.code ?? candidate.code;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';

/** Conflicts PostgreSQL expects the client to resolve by running the transaction again. */
export function isRetryableConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
}
