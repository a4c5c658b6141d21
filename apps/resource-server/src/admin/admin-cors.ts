import type { FastifyRequest } from 'fastify';

type CorsOptions = { origin: string | false; methods?: string[]; allowedHeaders?: string[]; maxAge?: number };

/**
 * CORS for the web console, which the auth server serves from its own origin (AUTH_ISSUER) and
 * which calls this server's admin API from the browser. Only that origin, only /admin/v1: the
 * other routes stay same-origin. Bearer tokens, no cookies, so no credentials mode.
 */
export function adminCors(issuer: string): { delegator: (request: FastifyRequest, callback: (error: Error | null, options: CorsOptions) => void) => void } {
  const consoleOrigin = new URL(issuer).origin;
  return {
    delegator: (request, callback) => {
      if (!request.url.startsWith('/admin/v1/')) return callback(null, { origin: false });
      callback(null, { origin: consoleOrigin, methods: ['GET', 'PATCH'], allowedHeaders: ['authorization', 'content-type', 'accept'], maxAge: 600 });
    },
  };
}
