import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { writeErrorAnswer } from '#errors';
import { REQUEST_ID_HEADER } from '#observability';
import { withoutHopByHopInto } from './upstream-headers.js';
import { upstreamProblem } from './upstream-problems.js';

/**
 * An upstream's answer written into the client's response, for the gateway's lane
 * (UpstreamForwarder.forwardRaw): undici's own dispatch handler interface rather than its `stream`
 * API, which wraps each request in an AsyncResource and watches the response with finished()
 * (several listeners per request), for a lane whose whole point is doing less per request. The
 * same behaviour: the head once the final status arrives (1xx skipped), the upstream's headers
 * over the request id and without hop-by-hop ones; the body written as it comes, the upstream paused
 * while the client's socket is full; before the head an error is a problem document (502/504),
 * after it the response is cut. A client gone before the end aborts the upstream request.
 */
export class UpstreamAnswer implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private over = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly url: string,
    private readonly requestId: string,
    private readonly timeoutMs: number,
    /** Called once, when the answer is over (sent, failed, or cut), with the status written. */
    private readonly ended: (status: number) => void,
  ) {
    res.once('close', () => {
      if (!this.over) this.controller?.abort(new Error('the client closed the connection'));
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(new Error('the client closed the connection'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    this.res.writeHead(statusCode, withoutHopByHopInto(headers, { [REQUEST_ID_HEADER]: this.requestId }) as OutgoingHttpHeaders);
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
    if (!this.res.headersSent && !this.res.destroyed) writeErrorAnswer(this.res, this.url, upstreamProblem(error, this.timeoutMs), { [REQUEST_ID_HEADER]: this.requestId });
    else this.res.destroy(error);
    this.finish();
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    this.ended(this.res.statusCode);
  }
}
