import type { FastifyInstance } from 'fastify';
import { ENVOY_VERIFY_PREFIX } from './described-request.js';

const CHECK_PREFIX = `${ENVOY_VERIFY_PREFIX}/`;

/**
 * Envoy's check request carries no body (Content-Length: 0) but may carry the original
 * Content-Type when allowed_headers lets it through; Fastify would then try to parse an empty
 * "application/json" body (400) or refuse a type it has no parser for (415) before the check is
 * decided. The check never reads a body, so on the Envoy form a bodiless request's Content-Type is
 * dropped before parsing. (A body sent along, with_request_body, is parsed as any other.)
 */
export function installEnvoyCheckBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const { headers } = request;
    if (
      headers['content-type'] !== undefined &&
      request.url.startsWith(CHECK_PREFIX) &&
      headers['transfer-encoding'] === undefined &&
      (headers['content-length'] ?? '0') === '0'
    ) {
      delete headers['content-type'];
    }
    done();
  });
}
