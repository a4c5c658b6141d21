import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { REQUEST_ID_HEADER } from '#observability';
import { settlesWithin } from '#operability';
import { RequestPathRefused } from '../route-access/route-problems.js';
import type { Route } from '../routes/route.js';
import { CatchAllAnswer, LaneAnswer } from './upstream-answer.js';
import { upstreamHeaders, type ClientConnection } from './upstream-headers.js';
import { upstreamTarget } from './upstream-url.js';

/** As @fastify/reply-from configured undici: a keep-alive pool per upstream origin, no pipelining. */
const CONNECTIONS_PER_ORIGIN = 128;
/** At shutdown, answers still streaming (a long download, server-sent events) get this long, then are cut. */
const DRAIN_MS = 2000;

/**
 * Sends an admitted request to its upstream and streams the answer back, bodies piped both ways,
 * on undici (a keep-alive pool per origin), the answer written by UpstreamAnswer straight into the
 * response, rather than through @fastify/reply-from, which the gateway used before: reply-from
 * answers through Fastify's reply (its serializer, onSend hooks and a Readable in between), and the
 * bench measured that path at about half the throughput of undici writing straight into the
 * response (bench/edge.js, issue 14 "Performance"). What it did for us is kept here: Host set to the upstream's, hop-by-hop and
 * Connection-listed headers dropped both ways, a path with a ".." segment refused, the route's
 * timeout for the answer's head and for each gap in its body, no retry. The response keeps the
 * headers this server set before (the request id, the worker), the upstream's on top.
 */
@Injectable()
export class UpstreamForwarder implements OnApplicationShutdown {
  private readonly agent = new Agent({ connections: CONNECTIONS_PER_ORIGIN, pipelining: 1 });

  /** After the HTTP server stopped taking requests: the pools close once their answers end, or are cut. */
  async onApplicationShutdown(): Promise<void> {
    // Once is enough: a second close (an app closed again) would throw ClientDestroyedError and end Nest's shutdown there.
    if (this.agent.closed || this.agent.destroyed) return;
    if (!(await settlesWithin(this.agent.close(), DRAIN_MS))) await this.agent.destroy();
  }

  /** Refuses (synchronously, RequestPathRefused) a path that walks up; anything later is rendered or ends the response. */
  forward(request: FastifyRequest, reply: FastifyReply, route: Route, authHeaders: Record<string, string>): void {
    const client = { ip: request.ip, protocol: request.protocol, host: request.headers.host };
    // The catch-all's content-type parser hands the unread request stream over as the body.
    const body = (request.body as Readable | undefined) ?? null;
    this.agent.dispatch(this.dispatchOptions(request.raw, route, client, authHeaders, String(request.id), body), new CatchAllAnswer(request, reply, route.timeoutMs));
  }

  /**
   * forward() for the gateway's lane (gateway-lane.ts), on Node's own request and response: the
   * same upstream request and the same answer (LaneAnswer), with the request id as the only header
   * of ours. `ended` is called once the response is over (sent, failed, or cut), with the status
   * written. Throws (RequestPathRefused) before anything is sent, or not at all.
   */
  forwardRaw(req: IncomingMessage, res: ServerResponse, call: RawForwardCall, ended: (status: number) => void): void {
    const { route, requestId } = call;
    const client = { ip: call.ip, protocol: call.protocol, host: req.headers.host };
    // The lane takes only requests without a body.
    const options = this.dispatchOptions(req, route, client, call.authHeaders, requestId, null);
    this.agent.dispatch(options, new LaneAnswer(res, req.url ?? '/', requestId, route.timeoutMs, ended));
  }

  private dispatchOptions(
    req: IncomingMessage,
    route: Route,
    client: ClientConnection,
    authHeaders: Record<string, string>,
    requestId: string,
    body: Readable | null,
  ): Dispatcher.RequestOptions {
    const { origin, path, query } = upstreamTarget(route, req.url ?? '/');
    if (walksUp(path)) throw new RequestPathRefused('the path has a segment beginning or ending with ".."');
    // undici sets Host from the origin, as the upstream expects.
    const headers = upstreamHeaders(req.headers, client, authHeaders);
    headers[REQUEST_ID_HEADER] = requestId;
    return {
      origin,
      path: path + query,
      method: req.method as Dispatcher.HttpMethod,
      headers: headers as Record<string, string | string[]>,
      body,
      headersTimeout: route.timeoutMs,
      bodyTimeout: route.timeoutMs,
    };
  }
}

/** What the lane knows of a request it forwards. */
export interface RawForwardCall {
  route: Route;
  authHeaders: Record<string, string>;
  requestId: string;
  ip: string;
  protocol: 'http' | 'https';
}

/** reply-from's rule, kept: a decoded path equal to "..", or with a segment starting or ending in "..". */
function walksUp(path: string): boolean {
  if (!path.includes('..') && !path.includes('%2')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded === '..' || decoded.includes('/..') || decoded.includes('../');
}
