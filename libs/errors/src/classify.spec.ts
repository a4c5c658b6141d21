import { describe, expect, it } from '@jest/globals';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { isRetryableConflict, isUnavailableError } from './classify.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
const wrapped = (driverError: unknown) => Object.assign(new Error('Query failed'), { name: 'QueryFailedError', driverError });

describe('isUnavailableError: what becomes 503 temporarily_unavailable rather than 500', () => {
  it.each([
    ['a refused connection', pgError('ECONNREFUSED')],
    ['a reset connection', pgError('ECONNRESET')],
    ['admin_shutdown (fast shutdown cut the session)', pgError('57P01', 'terminating connection due to administrator command')],
    ['cannot_connect_now (starting up or shutting down)', pgError('57P03', 'the database system is shutting down')],
    ['a statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['a lock timeout (lock_not_available: a row held longer than lock_timeout)', pgError('55P03', 'canceling statement due to lock timeout')],
    ['a connection exception (class 08)', pgError('08006')],
    ['a protocol violation (class 08)', pgError('08P01')],
    ['too many connections (class 53)', pgError('53300')],
    ['a serialization failure the retry gave up on', pgError('40001')],
    ['a deadlock the retry gave up on', pgError('40P01')],
    ['"Connection terminated unexpectedly"', new Error('Connection terminated unexpectedly')],
    ['the pool giving up on connecting', new Error('timeout exceeded when trying to connect')],
    ['a connect that timed out', new Error('Connection terminated due to connection timeout')],
    ['a query on a client the server closed', new Error('Client was closed and is not queryable')],
    ['a client-side query timeout', new Error('Query read timeout')],
    [
      'a transaction whose connection died',
      Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ],
    [
      'a query through the manager of a transaction whose connection died',
      new Error('Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'),
    ],
    ['the next statement of a transaction whose connection was cut', new QueryRunnerProviderAlreadyReleasedError()],
    ['a query runner released by its failed connection', new QueryRunnerAlreadyReleasedError()],
    ['a TypeORM-wrapped driver error', wrapped(pgError('57P01'))],
    ['an error behind a cause', new Error('outer', { cause: pgError('ECONNREFUSED') })],
    ['a refusal of every address of localhost', new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], 'connect failed')],
  ])('%s', (_, error) => {
    expect(isUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['NUL in text', pgError('22021')],
    ['a syntax error (a bug)', pgError('42601')],
    ['a plain bug', new TypeError('x is undefined')],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('not %s', (_, error) => {
    expect(isUnavailableError(error)).toBe(false);
  });
});

describe('isRetryableConflict', () => {
  it('is true for serialization failures and deadlocks only, wrapped or not', () => {
    expect(isRetryableConflict(wrapped(pgError('40001')))).toBe(true);
    expect(isRetryableConflict(pgError('40P01'))).toBe(true);
    expect(isRetryableConflict(pgError('40003'))).toBe(false);
    expect(isRetryableConflict(pgError('57P01'))).toBe(false);
    expect(isRetryableConflict(new Error('x'))).toBe(false);
  });
});
