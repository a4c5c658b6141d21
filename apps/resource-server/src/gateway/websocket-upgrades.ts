import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { request as httpRequest, ServerResponse, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { renderError } from '#errors';
import { REQUEST_ID_HEADER } from '#observability';
import type { Route } from '../routes/route.js';
import { upstreamHeaders, withoutHopByHop } from './upstream-headers.js';
import { BadGatewayProblem, GatewayTimeoutProblem } from './upstream-problems.js';
import { upstreamTarget } from './upstream-url.js';
import { NotWebSocketProblem, WebSocketNotAllowedProblem } from './websocket-problems.js';

/**
 * WebSocket through the gateway (issue 14 item 1). An upgrade request is handed to Fastify's
 * router as @fastify/websocket does (a ServerResponse on the request's socket), so it meets the
 * resource server's own paths first and, under a route, the gateway's decision exactly as any
 * request; refusals are the same problem documents, written on the socket before it closes.
 *
 * Admitted on a `websocket: true` route, the handshake is sent to the upstream with node:http and
 * the two sockets are piped raw once the upstream answers 101. Raw, rather than `ws` or
 * @fastify/http-proxy (which is built on `ws`): a WebSocket endpoint in the middle would end the
 * protocol here, so the subprotocol and extensions (permessage-deflate) would be negotiated twice
 * and every frame decoded and re-encoded; piping leaves the handshake and the frames end to end,
 * and all that is proxied is the head, which the gateway's header rules already govern.
 */
@Injectable()
export class WebSocketUpgrades {
  /** The bytes read past an upgrade request's head (the client's first frames, if any). */
  private readonly heads = new WeakMap<IncomingMessage, Buffer>();
  /** Piped sockets, both sides: destroyed when the server closes (server.close() does not know them). */
  private readonly open = new Set<Duplex>();

  /** Without it Node closes every upgrade request unanswered. */
  install(fastify: FastifyInstance): void {
    fastify.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      this.heads.set(request, head);
      const response = new ServerResponse(request);
      // One answer on this socket, then it closes: it is not an HTTP connection any more.
      response.shouldKeepAlive = false;
      response.assignSocket(socket as never);
      response.on('finish', () => socket.end());
      fastify.routing(request, response);
    });
    // preClose: before server.close(), which waits for every socket, these included.
    fastify.addHook('preClose', (done) => {
      for (const socket of this.open) socket.destroy();
      done();
    });
  }

  /** Whether the request came as an upgrade (the gateway must not answer it as plain HTTP). */
  isUpgrade(request: FastifyRequest): boolean {
    return this.heads.has(request.raw);
  }

  /** An admitted upgrade request: refused unless a WebSocket on a websocket route, else proxied. */
  proxy(request: FastifyRequest, reply: FastifyReply, route: Route, authHeaders: Record<string, string>): FastifyReply {
    if (!route.websocket) return this.refuse(request, reply, new WebSocketNotAllowedProblem());
    if (String(request.headers.upgrade).toLowerCase() !== 'websocket') return this.refuse(request, reply, new NotWebSocketProblem());
    const { origin, path, query } = upstreamTarget(route, request.url);
    const target = origin + path + query;
    // The upstream's own Host, as for every other request (node:http sets it from the URL): the caller's is left out.
    const headers = {
      ...upstreamHeaders(request.headers, { ip: request.ip, protocol: request.protocol, host: request.headers.host }, authHeaders),
      connection: 'Upgrade',
      upgrade: 'websocket',
      [REQUEST_ID_HEADER]: String(request.id),
    };
    const send = target.startsWith('https:') ? httpsRequest : httpRequest;
    const upstream = send(target, { method: request.method, headers, agent: false, timeout: route.timeoutMs });
    const client = request.raw.socket;
    client.once('close', () => upstream.destroy());
    upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
      reply.hijack();
      this.pipe(client, request.raw, answer, upstreamSocket, upstreamHead);
    });
    // Anything but 101 (the upstream refused the handshake): its answer, as for a plain request.
    upstream.on(
      'response',
      (answer) =>
        void reply
          .code(answer.statusCode ?? 502)
          .headers(withoutHopByHop(answer.headers))
          .send(answer),
    );
    upstream.on('timeout', () => upstream.destroy(new GatewayTimeoutProblem(route.timeoutMs)));
    upstream.on('error', (error) => {
      if (reply.sent || client.destroyed) return;
      this.refuse(request, reply, error instanceof GatewayTimeoutProblem ? error : new BadGatewayProblem());
    });
    upstream.end();
    return reply;
  }

  private pipe(client: Duplex, request: IncomingMessage, answer: IncomingMessage, upstream: Duplex, upstreamHead: Buffer): void {
    // The handshake's timeout is not the connection's: a WebSocket may stay quiet for hours.
    (upstream as Socket).setTimeout(0);
    for (const socket of [client, upstream]) {
      this.open.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => this.open.delete(socket));
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    const lines = [`HTTP/1.1 101 ${answer.statusMessage || 'Switching Protocols'}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    client.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) client.write(upstreamHead);
    const clientHead = this.heads.get(request);
    if (clientHead !== undefined && clientHead.length > 0) upstream.write(clientHead);
    upstream.pipe(client);
    client.pipe(upstream);
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, problem: unknown): FastifyReply {
    renderError(request, reply, problem);
    return reply;
  }
}
