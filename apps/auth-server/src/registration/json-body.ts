import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '#oauth';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The body of a registration request (RFC 7591 §3.1: "application/json"): one Content-Type
 * header and a JSON one. Node keeps the first of repeated Content-Type headers, so the raw
 * headers are counted: two types that disagree must not be parsed as either.
 */
export function jsonBodyOf(request: FastifyRequest): unknown {
  const raw = request.raw.rawHeaders;
  let contentTypes = 0;
  for (let index = 0; index < raw.length; index += 2) if (raw[index].toLowerCase() === 'content-type') contentTypes += 1;
  if (contentTypes > 1) throw new InvalidRequest('send exactly one Content-Type header');
  if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) throw new InvalidRequest('the body must be application/json');
  return request.body;
}
