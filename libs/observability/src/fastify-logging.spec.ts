import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { accessLogLevel, installRequestLogging, logRequestCompleted, requestContextOf, requestIdOptions } from './fastify-logging.js';
import { currentRequestContext, EXPLICIT_REQUEST_CONTEXT, requestContextStoreActive, runInsideRequestContext } from './request-context.js';

/** What a handler saw of its context after an await (the store's view) and on its request (by hand). */
interface Seen {
  stored: string | null;
  byHand: string;
  storeActive: boolean;
  insideStep?: string | null;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('request logging hooks and the request-context store', () => {
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    app = Fastify({ ...requestIdOptions, forceCloseConnections: true });
    installRequestLogging(app, pino({ level: 'silent' }));
    const seen = async (request: Parameters<typeof requestContextOf>[0]): Promise<Seen> => {
      await settle();
      return { stored: currentRequestContext()?.requestId ?? null, byHand: requestContextOf(request).requestId, storeActive: requestContextStoreActive() };
    };
    app.get('/inside', (request) => seen(request));
    app.post('/inside', (request) => seen(request));
    app.post('/by-hand', { config: EXPLICIT_REQUEST_CONTEXT }, (request) => seen(request));
    app.post('/by-hand/step', { config: EXPLICIT_REQUEST_CONTEXT }, async (request) => ({
      ...(await seen(request)),
      insideStep: await runInsideRequestContext(requestContextOf(request), async () => {
        await settle();
        return currentRequestContext()?.requestId ?? null;
      }),
    }));
    app.get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({}), 500)));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(() => app.close());

  const call = async (path: string, method = 'POST'): Promise<Seen> => {
    const id = `id${path.replaceAll('/', '.')}`;
    const response = await fetch(`${base}${path}`, { method, headers: { 'x-request-id': id, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, body: method === 'POST' ? '{}' : undefined });
    expect(response.headers.get('x-request-id')).toBe(id);
    return (await response.json()) as Seen;
  };

  it('runs a request inside its context, after awaits and after body parsing', async () => {
    expect(await call('/inside', 'GET')).toEqual({ stored: 'id.inside', byHand: 'id.inside', storeActive: true });
    expect(await call('/inside')).toEqual({ stored: 'id.inside', byHand: 'id.inside', storeActive: true });
  });

  it('keeps a by-hand route out of the store: its context is on the request only', async () => {
    expect(await call('/by-hand')).toEqual({ stored: null, byHand: 'id.by-hand', storeActive: false });
  });

  it('enters the store for one step of a by-hand route, and leaves it after', async () => {
    expect(await call('/by-hand/step')).toEqual({ stored: null, byHand: 'id.by-hand.step', storeActive: false, insideStep: 'id.by-hand.step' });
    expect(requestContextStoreActive()).toBe(false);
  });

  it('switches the store (and its async hooks) off once no request is inside it', async () => {
    await Promise.all([call('/inside'), call('/inside', 'GET'), call('/by-hand')]);
    // The last response's 'close' may come a turn after its body was read.
    for (let turn = 0; turn < 50 && requestContextStoreActive(); turn += 1) await settle();
    expect(requestContextStoreActive()).toBe(false);
    expect(currentRequestContext()).toBeUndefined();
  });

  it('releases a request whose caller went away before its answer', async () => {
    const abort = new AbortController();
    const gone = fetch(`${base}/slow`, { signal: abort.signal }).catch((error: Error) => error.name);
    for (let turn = 0; turn < 200 && !requestContextStoreActive(); turn += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(requestContextStoreActive()).toBe(true);
    abort.abort();
    expect(await gone).toBe('AbortError');
    for (let turn = 0; turn < 200 && requestContextStoreActive(); turn += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(requestContextStoreActive()).toBe(false);
  });
});

describe("the access log's level", () => {
  /** The access lines a logger at info wrote, as [status, pino level]. */
  const capture = () => {
    const lines: { status: number; level: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { status: number; level: number }) });
    return { logger, seen: () => lines.map(({ status, level }) => [status, level]) };
  };

  it('is info below 500, error for a 5xx, and warn for a 503: a server refusing on purpose (loading, draining) logs why once, not each request', () => {
    expect([200, 401, 404, 499, 500, 502, 503, 504].map(accessLogLevel)).toEqual(['info', 'info', 'info', 'info', 'error', 'error', 'warn', 'error']);
  });

  it("is what a lane's line and Fastify's hook write", async () => {
    const { logger, seen } = capture();
    for (const status of [200, 503, 500]) logRequestCompleted(logger, 'r', 'GET', '/x', status, 1, '127.0.0.1');
    const app = Fastify({ ...requestIdOptions, forceCloseConnections: true });
    installRequestLogging(app, logger);
    app.get('/status/:code', (request, reply) => reply.code(Number((request.params as { code: string }).code)).send({}));
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      // One after the other: the lines come in the order of the answers.
      for (const status of [503, 502]) await (await fetch(`${base}/status/${status}`)).text();
      // Fastify's onResponse hook (the line) runs once the answer is written, maybe after the client read it.
      for (let turn = 0; turn < 50 && seen().length < 5; turn += 1) await settle();
    } finally {
      await app.close();
    }
    // pino's levels: 30 info, 40 warn, 50 error.
    expect(seen()).toEqual([
      [200, 30],
      [503, 40],
      [500, 50],
      [503, 40],
      [502, 50],
    ]);
  });
});
