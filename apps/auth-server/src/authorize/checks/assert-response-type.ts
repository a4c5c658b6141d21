import { InvalidRequest, UnsupportedResponseType } from '#oauth';
import type { ResponseType } from '../authorize-request.js';

/** RFC 6749 §3.1.1: code (§4.1) or token (§4.2), nothing else and no combinations. */
export function assertResponseType(value: string | undefined): ResponseType {
  if (value === undefined || value === '') throw new InvalidRequest('response_type is required');
  if (value !== 'code' && value !== 'token') throw new UnsupportedResponseType('response_type must be code or token');
  return value;
}
