// A server under test in its own process (bench/resource.js, bench/run.js): the load generator
// keeps the parent's core and the server's RSS is its own. Modes: rs (the real resource server),
// auth (the real auth server on BENCH_AUTH_DATABASE_URL), json (bare node:http fixed JSON), verify
// (bare node:http, jose jwtVerify of the bearer per request), sign (bare node:http, one jose ES256
// SignJWT per request), jwt-verify (bare node:http, jose jwtVerify of one fixed token per request),
// upstream (bare node:http behind the gateway and nginx in bench/edge.js: a GET of a path ending in
// /large answers BENCH_LARGE_BYTES bytes, every other request, uploads included, is read to its end
// and answered the fixed JSON), proxy (bare Fastify + undici's stream, as the gateway forwards,
// passing every request to BENCH_UPSTREAM_URL: no hooks, no decision; what forwarding costs),
// dpop-floor (bare node:http answering fixed JSON after one node:crypto check of the DPoP proof's
// signature, on libuv's pool as the resource server does it, the key imported once per header: the
// floor issue 17 names for a DPoP-bound GET, one signature verification per request, and nothing else).
// Reports {port} over IPC; answers 'rss' with its resident set size; 'exit' ends it normally, so
// that --cpu-prof writes its profile.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { createRemoteJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { procStat } from './proc-stat.js';

const mode = process.argv[2];
/** Mode rs only: above 1, the resource server as a pool of this many workers (RESOURCE_WORKERS), this process their primary. */
const RS_WORKERS = Number(process.env.BENCH_RS_WORKERS ?? 1);

async function bare(handler) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', async () => {
      const { status, body } = await handler(request);
      if (Buffer.isBuffer(body))
        return void response.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

async function start() {
  if (mode === 'json') return bare(async () => ({ status: 200, body: { ok: true } }));
  if (mode === 'upstream') {
    const large = Buffer.alloc(Number(process.env.BENCH_LARGE_BYTES), 'x');
    return bare(async (request) => ({ status: 200, body: request.method === 'GET' && request.url.endsWith('/large') ? large : { ok: true } }));
  }
  if (mode === 'verify') {
    // Same checks as the resource server's JWT path: signature (JWKS fetched once), typ, iss, aud, exp.
    const jwks = createRemoteJWKSet(new URL(`${process.env.AUTH_ISSUER}/oauth/jwks`));
    return bare(async (request) => {
      try {
        const token = (request.headers.authorization ?? '').slice(7);
        const { payload } = await jwtVerify(token, jwks, { typ: 'at+jwt', issuer: process.env.AUTH_ISSUER, audience: process.env.RESOURCE_AUDIENCE });
        return { status: 200, body: { sub: payload.sub, clientId: payload.client_id, scopes: String(payload.scope).split(' ') } };
      } catch {
        return { status: 401, body: { error: 'invalid_token' } };
      }
    });
  }
  if (mode === 'proxy') return bareProxy(process.env.BENCH_UPSTREAM_URL);
  if (mode === 'dpop-floor') return dpopFloor();
  if (mode === 'sign' || mode === 'jwt-verify') return bareJwt(mode);
  if (mode === 'auth') return authServer();
  if (RS_WORKERS > 1 && cluster.isPrimary) return resourceServerPool();
  const { createResourceServer } = await import('../dist/apps/resource-server/src/bootstrap.js');
  const { loadResourceServerConfig } = await import('../dist/apps/resource-server/src/config/resource-server.config.js');
  const config = loadResourceServerConfig(process.env, { port: 0, host: '127.0.0.1' });
  const app = await createResourceServer(config, { syncStream: process.env.BENCH_SYNC_STREAM, consumerGroup: `bench-${process.pid}` });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
  return app.getHttpServer().address().port;
}

/**
 * RESOURCE_WORKERS as main.ts runs them: the same WorkerPool (dist), each worker this file again
 * in mode rs. Resolves with their (shared) port once every worker listens.
 */
async function resourceServerPool() {
  const { runWorkerPool } = await import('../dist/libs/operability/src/cluster/worker-pool.js');
  // Ready once every worker listens: a worker still booting would take no connection yet.
  const port = new Promise((resolve) => {
    let listening = 0;
    cluster.on('listening', (_worker, address) => ++listening === RS_WORKERS && resolve(address.port));
  });
  runWorkerPool({ size: RS_WORKERS, log: { info: () => undefined, warn: console.warn, error: console.error } });
  return port;
}

/** CPU time (µs, user + system) of this process and, for a pool's primary, of its workers too (from /proc). */
function cpuMicros() {
  const own = process.cpuUsage();
  let micros = own.user + own.system;
  if (cluster.isPrimary) {
    for (const worker of Object.values(cluster.workers ?? {})) {
      try {
        micros += procStat(worker.process.pid).cpuMicros;
      } catch {
        // no /proc, or the worker just exited
      }
    }
  }
  return micros;
}

/** Resident set size (bytes) of this process and of a pool's workers. */
function rssBytes() {
  let bytes = process.memoryUsage().rss;
  if (cluster.isPrimary) {
    for (const worker of Object.values(cluster.workers ?? {})) {
      try {
        bytes += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${worker.process.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      } catch {
        // as above
      }
    }
  }
  return bytes;
}

/**
 * The gateway's floor: its forwarding alone (UpstreamForwarder's calls: Fastify's catch-all, the
 * body stream handed over, undici's stream writing into the hijacked response), no hooks, no
 * decision, no header rules.
 */
async function bareProxy(upstream) {
  const { default: fastify } = await import('fastify');
  const { Agent } = await import('undici');
  const agent = new Agent({ connections: 128, pipelining: 1 });
  const { origin } = new URL(upstream);
  const app = fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/*', (request, reply) => {
    // Hop-by-hop headers dropped by hand (here and in the answer), not by upstreamHeaders/withoutHopByHop
    // of gateway/upstream-headers.ts, on purpose: this is the floor, which measures forwarding without
    // the gateway's header rules and without importing from the app.
    const headers = { ...request.headers };
    delete headers.host;
    delete headers.connection;
    agent.stream(
      { origin, path: request.url, method: request.method, headers, body: request.body ?? null, headersTimeout: 30_000, bodyTimeout: 30_000 },
      ({ statusCode, headers: answered }) => {
        reply.hijack();
        for (const name of ['connection', 'keep-alive', 'transfer-encoding']) delete answered[name];
        reply.raw.writeHead(statusCode, answered);
        return reply.raw;
      },
      (error) => error && reply.raw.destroy(error),
    );
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app.server.address().port;
}

/**
 * One signature check of the request's DPoP proof and fixed JSON: no claim, no replay store, no
 * token. The check is the resource server's own (libs/oauth verifiesSignatureOnPool, the key
 * imported once per header), so that the floor is exactly that verification and nothing else.
 */
async function dpopFloor() {
  const { verifiesSignatureOnPool } = await import('../dist/libs/oauth/src/jws-signature.js');
  const keys = new Map();
  const keyOf = (header) => {
    let key = keys.get(header);
    if (!key) keys.set(header, (key = createPublicKey({ key: JSON.parse(Buffer.from(header, 'base64url').toString()).jwk, format: 'jwk' })));
    return key;
  };
  return bare(async (request) => {
    const proof = String(request.headers.dpop ?? '');
    const lastDot = proof.lastIndexOf('.');
    const valid = await verifiesSignatureOnPool('ES256', keyOf(proof.slice(0, proof.indexOf('.'))), proof.slice(0, lastDot), Buffer.from(proof.slice(lastDot + 1), 'base64url')).catch(() => false);
    return valid ? { status: 200, body: { ok: true } } : { status: 401, body: { error: 'invalid_dpop_proof' } };
  });
}

/** The auth bench's ceilings: what jose alone costs per request, with the app's key type. */
async function bareJwt(kind) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const sign = () =>
    new SignJWT({ scope: 'bench.read' }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
  if (kind === 'sign') return bare(async () => ({ status: 200, body: { access_token: await sign() } }));
  const sample = await sign();
  return bare(async () => ({ status: 200, body: { active: Boolean(await jwtVerify(sample, publicKey)) } }));
}

async function authServer() {
  const { createAuthServer } = await import('../dist/apps/auth-server/src/bootstrap.js');
  const { loadAuthServerConfig } = await import('../dist/apps/auth-server/src/config/auth-server.config.js');
  const config = loadAuthServerConfig(
    // BENCH_AUTH_ENV: more of the app's settings, as JSON (bench/fill.js turns the retention job off).
    { LOG_LEVEL: 'error', ADMIN_PASSWORD: process.env.BENCH_ADMIN_PASSWORD, ...JSON.parse(process.env.BENCH_AUTH_ENV ?? '{}') },
    { databaseUrl: process.env.BENCH_AUTH_DATABASE_URL, port: Number(process.env.BENCH_AUTH_PORT ?? 0), host: '127.0.0.1' },
  );
  const app = await createAuthServer(config);
  await app.listen(config.port, '127.0.0.1');
  const close = () => void app.close().finally(() => process.exit(0));
  process.on('disconnect', close);
  process.on('message', (message) => message === 'close' && close());
  return app.getHttpServer().address().port;
}

process.on('message', (message) => {
  if (message === 'rss') process.send({ rss: rssBytes(), heapUsed: process.memoryUsage().heapUsed, cpuMicros: cpuMicros() });
  if (message === 'exit') process.exit(0);
});
// Never outlive the parent.
process.on('disconnect', () => setTimeout(() => process.exit(0), 3000).unref());
start().then(
  (port) => process.send({ port }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
