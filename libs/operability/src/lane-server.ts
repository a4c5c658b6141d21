import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { HttpMetrics } from './http-metrics.js';

/**
 * What the app's code reads of a request a lane answers, as Fastify names it: a lane builds one
 * from Node's request, and a Fastify request is one as it is. Code below both a lane and a Fastify
 * route takes this, so the compiler checks that the lane gives it all it reads.
 */
export type LaneRequest = Pick<FastifyRequest, 'id' | 'ip' | 'method' | 'url' | 'headers' | 'body' | 'protocol' | 'host'> & {
  readonly routeOptions: { readonly url?: string };
};

/** Takes a request Fastify would otherwise answer: true when it answers it (whatever happens), false to hand it on. */
export type Lane = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Fastify's `serverFactory` for an app with a lane in front: Node's HTTP/1.1 server as Fastify
 * makes it (its timeouts), the lane first, Fastify's handler for the rest. A lane answers its
 * hottest requests before Fastify builds its request and reply and runs its hooks (the resource
 * server's gateway lane, the auth server's token lane); everything it does not take is Fastify's.
 */
export function laneServerFactory(lane: Lane): (handler: RequestListener, options: FastifyServerOptions) => Server {
  return (handler, options) => {
    const server = createServer((options as { http?: ServerOptions }).http ?? {}, (req, res) => {
      if (!lane(req, res)) handler(req, res);
    });
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
    server.requestTimeout = options.requestTimeout ?? 0;
    server.setTimeout(options.connectionTimeout ?? 0);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}

/**
 * What every lane shares: it takes nothing until the built app's parts are resolved (bootstrap.ts
 * builds the server before the app), and stands aside from the start of close(), when Fastify
 * answers 503 to whatever it is handed.
 */
export abstract class HostedLane<Host> {
  // ECMAScript private fields: a subclass's own members of any name cannot shadow them.
  #host: Host | undefined;
  #closing = false;

  /** Before Nest registers its routes: learns when the server starts closing. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('preClose', (done) => {
      this.#closing = true;
      done();
    });
  }

  resolve(host: Host): void {
    this.#host = host;
  }

  /** The built app's parts while the lane may take requests; undefined before resolve() and while closing. */
  protected get openHost(): Host | undefined {
    return this.#closing ? undefined : this.#host;
  }
}

/** What Fastify's onResponse hooks do for a request, which a lane that answered it does itself. */
export interface LaneBookkeeping {
  httpMetrics: HttpMetrics;
  /** The access log's line (AppLogging.requestCompleted). */
  requestCompleted(reqId: string, method: string, url: string, status: number, ms: number, ip: string): void;
}

/** A request a lane answered, for its bookkeeping. */
export interface LaneAnswered {
  /** performance.now() when the lane took the request. */
  started: number;
  requestId: string;
  method: string;
  /** The latency histogram's route label (the route pattern, or a gateway route's prefix). */
  routeLabel: string;
  /** The access log's path. */
  url: string;
  ip: string;
}

/** Once the answer is written: the latency histogram under the route's label and the access-log line, as the hooks would have. */
export function laneRequestCompleted(host: LaneBookkeeping, answered: LaneAnswered, status: number): void {
  const ms = performance.now() - answered.started;
  host.httpMetrics.observe(answered.method, answered.routeLabel, status, ms / 1000);
  host.requestCompleted(answered.requestId, answered.method, answered.url, status, ms, answered.ip);
}
