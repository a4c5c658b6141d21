import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { BadRequestException, type Logger } from '@nestjs/common';
import { parse as parseQuery } from 'fast-querystring';
import { logIfUnexpected, writeErrorAnswer } from '#errors';
import { acceptOrGenerateRequestId, REQUEST_ID_HEADER } from '#observability';
import { HostedLane, laneRequestCompleted, laneServerFactory, workerIdentityHeaders, type LaneBookkeeping, type LaneRequest } from '#operability';
import type { TokenResponse } from '../tokens/token-response.js';
import type { TokenAnswers } from './token-answers.js';
import type { TokenEndpoint } from './token-endpoint.js';

/** What the lane needs from the built app (bootstrap.ts). */
export interface TokenLaneHost extends LaneBookkeeping {
  endpoint: TokenEndpoint;
  /** Where the route reports its answers too (metrics, dashboard). */
  answers: TokenAnswers;
  /** Where a 500 is logged, as the app's exception filter logs it. */
  logger: Logger;
}

const PATH = '/oauth/token';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json; charset=utf-8';
/** In a pool (AUTH_WORKERS): the worker's id, which every response names. */
const WORKER_HEADERS = workerIdentityHeaders();
/** What the token path reads of the route (client assertions' audience); one object for every request. */
const ROUTE_OPTIONS = Object.freeze({ url: PATH });

/**
 * The token endpoint's fast lane: `POST /oauth/token` with a plain form body, read and answered on
 * Node's HTTP server before Fastify builds its request and reply, runs its hooks, routes and parses
 * the body. Why: Fastify and its router were 7.5% of the event loop's samples per token, on the
 * auth server's hottest route; paired runs measured a median 5% less CPU per token, inside this
 * machine's noise (docs/performance.md, "Session 13").
 * The same Fastify `serverFactory` as the resource server's gateway lane (laneServerFactory).
 *
 * It takes only what Fastify would hand to the route unchanged: exactly this path, no query, the
 * form media type without parameters, a `content-length` within the body limit, no
 * `transfer-encoding` or `expect`, while the server is not closing. Everything else (other media
 * types, chunked or oversized bodies, a charset parameter) goes to Fastify, which refuses or
 * answers it as before. The body is parsed as Nest's form parser does (fast-querystring), the
 * endpoint runs as it does behind the route (TokenRoute), and the lane does what the hooks did:
 * the request id (accepted or made, echoed), Cache-Control/Pragma, the worker header, the error
 * rendering of the exception filter (and its log line for a 500), the latency histogram, the OAuth
 * metrics and dashboard counters, and the access line.
 */
export class TokenLane extends HostedLane<TokenLaneHost> {
  private taken = 0;

  constructor(private readonly bodyLimit: number) {
    super();
  }

  /** Fastify's `serverFactory`: the lane first, Fastify's handler for the rest. */
  readonly serverFactory = laneServerFactory((req, res) => this.serve(req, res));

  /** Requests the lane answered so far (tests, diagnostics). */
  get requestsTaken(): number {
    return this.taken;
  }

  /** True when the lane took the request (it answers it, whatever happens); false for Fastify's handler. */
  private serve(req: IncomingMessage, res: ServerResponse): boolean {
    const host = this.openHost;
    if (host === undefined || req.method !== 'POST' || req.url !== PATH) return false;
    const { headers } = req;
    if (headers['content-type'] !== FORM_TYPE || headers['transfer-encoding'] !== undefined || headers.expect !== undefined) return false;
    const declared = headers['content-length'];
    if (declared === undefined || !/^[1-9]\d{0,8}$/.test(declared) || Number(declared) > this.bodyLimit) return false;
    const started = performance.now();
    this.taken += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      // answer() renders every failure of the endpoint; this catches a failure of the rendering itself.
      this.answer(host, req, res, Buffer.concat(chunks), started).catch((error: unknown) => {
        host.logger.error(`POST ${PATH}: the answer failed: ${String(error)}`);
        res.destroy();
      });
    });
    return true;
  }

  private async answer(host: TokenLaneHost, req: IncomingMessage, res: ServerResponse, body: Buffer, started: number): Promise<void> {
    const requestId = acceptOrGenerateRequestId(req.headers[REQUEST_ID_HEADER]);
    const form = parseQuery(body.toString());
    const request = laneRequest(req, requestId, form);
    // The answer's own headers, and on success its content headers added to the same object.
    const headers: Record<string, string> = { [REQUEST_ID_HEADER]: requestId, 'cache-control': 'no-store', pragma: 'no-cache', ...WORKER_HEADERS };
    let status: number;
    let payload: unknown;
    try {
      // As Nest's form parser (onProtoPoisoning 'error'): fast-querystring keeps "__proto__" as a key.
      if (Object.hasOwn(form, '__proto__')) throw new BadRequestException('Object contains forbidden prototype property');
      const response: TokenResponse = await host.endpoint.handle(request);
      const json = JSON.stringify(response);
      headers['content-type'] = JSON_TYPE;
      headers['content-length'] = String(Buffer.byteLength(json));
      res.writeHead(200, headers);
      res.end(json);
      status = 200;
      payload = response;
    } catch (error) {
      ({ status, body: payload } = writeErrorAnswer(res, PATH, error, headers));
      logIfUnexpected(host.logger, status, 'POST', PATH, requestId, error);
    }
    host.answers.answered(status, payload, request);
    laneRequestCompleted(host, { started, requestId, method: 'POST', routeLabel: PATH, url: PATH, ip: request.ip }, status);
  }
}

/**
 * What the token path reads of a request (the form, client authentication, the DPoP proof's URIs,
 * the request's context), as Fastify would have given it: the route's request without the rest of
 * Fastify's. The token lane's e2e suite holds every answer to Fastify's.
 */
function laneRequest(req: IncomingMessage, id: string, body: unknown): LaneRequest {
  const encrypted = (req.socket as TLSSocket).encrypted === true;
  return {
    id,
    ip: req.socket.remoteAddress ?? '',
    method: 'POST',
    url: PATH,
    headers: req.headers,
    body,
    protocol: encrypted ? 'https' : 'http',
    host: req.headers.host ?? '',
    routeOptions: ROUTE_OPTIONS,
  };
}
