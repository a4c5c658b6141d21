import type { FastifyInstance } from 'fastify';

const USERINFO_PATH = '/oauth/userinfo';

/**
 * CORS for relying parties running in a browser (single-page apps): any origin may call userinfo
 * with a bearer token, which a page can only send on purpose (no cookies, no credentials mode),
 * so allowing every origin exposes nothing a token holder could not read anyway. The challenge
 * header is exposed so that a page can tell an expired token from a missing scope.
 */
export function installUserinfoCors(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url !== USERINFO_PATH && !request.url.startsWith(`${USERINFO_PATH}?`)) return done();
    void reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'WWW-Authenticate');
    if (request.method !== 'OPTIONS') return done();
    // An OPTIONS that is no preflight is a plain 404, answered before its body is parsed.
    if (!request.headers['access-control-request-method']) return void reply.callNotFound();
    void reply
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .code(204)
      .header('content-length', '0')
      .send();
  });
  // A preflight needs a route to reach the hook, which answers every OPTIONS itself.
  fastify.options(USERINFO_PATH, (_request, reply) => void reply.callNotFound());
}
