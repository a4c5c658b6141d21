/**
 * libuv's thread pool size for a resource server process whose operator set none (libuv's own
 * default is 4). The pool's work here is CPU-bound: each DPoP proof's ECDSA check, and jose's
 * WebCrypto for a token's first check. The event loop, the serial part of every request, needs a
 * core of its own: on a 2-core host four pool threads ran verifications against it (and against
 * each other, through OpenSSL 3's locks), and one thread answered 0-43% more DPoP-bound GETs a
 * second in eight alternating runs (25% in the median), the bearer GET unchanged (docs/performance.md, session 17).
 *
 * libuv reads UV_THREADPOOL_SIZE once, when the pool first starts, and in an ES module that is
 * before any of the module's code runs (the loader reads files on the pool). So it is set where the
 * process is started: `npm run start:resource`, docker-compose.yml, and the worker pool's fork
 * (main.ts); an operator's own value always wins.
 */
export const DEFAULT_RESOURCE_THREADPOOL_SIZE = 1;

/** libuv's bounds (MAX_THREADPOOL_SIZE in src/threadpool.c). */
const LIBUV_DEFAULT = 4;
const LIBUV_MAX = 1024;

/** The environment a resource server process is started with: the operator's pool size, else ours. */
export function resourceThreadPoolEnv(env: NodeJS.ProcessEnv): { UV_THREADPOOL_SIZE: string } {
  return { UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE || String(DEFAULT_RESOURCE_THREADPOOL_SIZE) };
}

/** The size libuv gives this process's pool for `env` (it parses the value with atoi), for the start-up line. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.UV_THREADPOOL_SIZE;
  if (value === undefined) return LIBUV_DEFAULT;
  const parsed = parseInt(value, 10);
  if (Number.isNaN(parsed) || parsed === 0) return 1;
  return parsed < 0 || parsed > LIBUV_MAX ? LIBUV_MAX : parsed;
}
