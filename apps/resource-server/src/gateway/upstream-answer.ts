import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { renderError, writeErrorAnswer, type Problem } from '#errors';
import { REQUEST_ID_HEADER } from '#observability';
import { workerIdentityHeaders } from '#operability';
import { withoutHopByHopInto } from './upstream-headers.js';
import { upstreamProblem } from './upstream-problems.js';

const CLIENT_GONE = 'the client closed the connection';
/** In a RESOURCE_WORKERS pool: the worker's id, which the lane's answers name as Fastify's do. */
const WORKER_HEADERS = workerIdentityHeaders();

/**
 * An upstream's answer written into the client's response: undici's dispatch handler interface
 * rather than its `stream` API, which wraps each request in an AsyncResource and watches the
 * response with finished() (several listeners per request). The head once the final status
 * arrives (1xx skipped), the upstream's headers over ours and without hop-by-hop ones; the body
 * written as it comes, the upstream paused while the client's socket is full; before the head an
 * upstream failure is a problem document (502/504), after it the response is cut. A client gone
 * before the end aborts the upstream request. The two subclasses differ only in whose headers and
 * error rendering they use: Fastify's (the catch-all) or Node's response alone (the lane).
 */
export abstract class UpstreamAnswer implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private over = false;

  constructor(
    protected readonly res: ServerResponse,
    private readonly timeoutMs: number,
  ) {
    res.once('close', () => {
      if (!this.over) this.controller?.abort(new Error(CLIENT_GONE));
    });
  }

  /** Once, just before the head: a fresh object of this server's headers, which the upstream's go on top of. */
  protected abstract ownHeaders(): Record<string, unknown>;
  /** The upstream failed before the head: answer the problem. */
  protected abstract fail(problem: Problem): void;
  /** The answer is over (sent, failed, or cut), with the status written. */
  protected ended?(status: number): void;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(new Error(CLIENT_GONE));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    this.res.writeHead(statusCode, withoutHopByHopInto(headers, this.ownHeaders()) as OutgoingHttpHeaders);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.res.headersSent && !this.res.destroyed) this.fail(upstreamProblem(error, this.timeoutMs));
    else this.res.destroy(error);
    this.finish();
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    this.ended?.(this.res.statusCode);
  }
}

/** The catch-all's answer: the reply is hijacked at the head and keeps the headers set before (request id); failures render through Fastify. */
export class CatchAllAnswer extends UpstreamAnswer {
  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    timeoutMs: number,
  ) {
    super(reply.raw, timeoutMs);
  }

  protected ownHeaders(): Record<string, unknown> {
    // From here on the response is ours to write; Fastify's onResponse hooks still run when it ends.
    this.reply.hijack();
    // getHeaders() is a fresh copy: the upstream's headers go on top of it, no further copies.
    return this.reply.getHeaders();
  }

  protected fail(problem: Problem): void {
    renderError(this.request, this.reply, problem);
  }
}

/** The lane's answer (gateway-lane.ts): the request id (and in a pool the worker) are its only headers; failures written on Node's response. */
export class LaneAnswer extends UpstreamAnswer {
  constructor(
    res: ServerResponse,
    private readonly url: string,
    private readonly requestId: string,
    timeoutMs: number,
    private readonly onEnded: (status: number) => void,
  ) {
    super(res, timeoutMs);
  }

  protected ownHeaders(): Record<string, string> {
    return { [REQUEST_ID_HEADER]: this.requestId, ...WORKER_HEADERS };
  }

  protected fail(problem: Problem): void {
    writeErrorAnswer(this.res, this.url, problem, this.ownHeaders());
  }

  protected override ended(status: number): void {
    this.onEnded(status);
  }
}
