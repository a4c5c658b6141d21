import { InvalidRequest } from '../../../../../libs/errors/src/index.js';
import type { RawQuery } from './query-params.js';

/** RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once." */
export function assertNoRepeatedParameters(query: RawQuery): void {
  const repeated = Object.keys(query).filter((name) => Array.isArray(query[name]));
  if (repeated.length > 0) throw new InvalidRequest(`parameters sent more than once: ${repeated.sort().join(' ')}`);
}
