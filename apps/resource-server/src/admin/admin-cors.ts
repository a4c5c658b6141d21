import type { FastifyInstance } from 'fastify';
import { Problem } from '#errors';

const ADMIN_PREFIX = '/admin/v1/';
/** POST and DELETE: /admin/v1/routes, for the console's Resource Server page. */
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOWED_HEADERS = 'authorization, content-type, accept';
const MAX_AGE_SECONDS = '600';
/** An OPTIONS without the headers of a CORS preflight: answered in the admin API's error style. */
const INVALID_PREFLIGHT = new Problem(400, 'Invalid preflight request', 'a CORS preflight needs the Origin and Access-Control-Request-Method headers');

/**
 * CORS for the web console, which the auth server serves from its own origin (AUTH_ISSUER) and
 * which calls this server's admin API from the browser. Only that origin, only /admin/v1: the
 * other routes stay same-origin. Bearer tokens, no cookies, so no credentials mode.
 *
 * The same headers @fastify/cors sent with these options (fixed Allow-Origin, strict preflight
 * answered 204 with Allow-Methods/Allow-Headers/Max-Age, `Vary: Origin`), but as one prefix test
 * per request: @fastify/cors with a per-request delegator normalised two option objects and added
 * a Vary header on every request, /api/me included (~3% of its CPU in the profile).
 */
export function installAdminCors(fastify: FastifyInstance, issuer: string): void {
  const consoleOrigin = new URL(issuer).origin;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith(ADMIN_PREFIX)) return done();
    const vary = reply.getHeader('vary');
    if (vary === undefined) void reply.header('vary', 'Origin');
    else if (
      !String(vary)
        .split(',')
        .some((field) => field.trim().toLowerCase() === 'origin')
    )
      void reply.header('vary', `${String(vary)}, Origin`);
    void reply.header('access-control-allow-origin', consoleOrigin);
    if (request.method !== 'OPTIONS') return done();
    if (!request.headers.origin || !request.headers['access-control-request-method']) {
      void reply.code(400).type('application/problem+json').send(INVALID_PREFLIGHT.toBody());
      return;
    }
    void reply
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', MAX_AGE_SECONDS)
      .code(204)
      .header('content-length', '0')
      .send();
  });
  // Preflights need a route to reach the hook, which answers them; the handler itself never runs
  // for a preflight the hook took, and otherwise answers 404 as @fastify/cors's '*' route did.
  fastify.options(`${ADMIN_PREFIX}*`, (_request, reply) => void reply.callNotFound());
}
