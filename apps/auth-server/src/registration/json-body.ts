import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '#oauth';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The body of a registration request (RFC 7591 §3.1: "application/json"). A repeated
 * Content-Type header never gets here: Node's HTTP server answers it with a bare 400 itself.
 */
export function jsonBodyOf(request: FastifyRequest): unknown {
  if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) throw new InvalidRequest('the body must be application/json');
  return request.body;
}
