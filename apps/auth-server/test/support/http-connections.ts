import { Agent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

/** The header naming the pool worker that answered (libs/operability cluster/worker-identity.ts). */
export const WORKER_HEADER = 'x-portcullis-worker';

export interface WorkerResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The worker that answered, from its response header. */
  worker: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Fails the request when its socket stays silent this long (a connection the primary handed to a worker as it died is never answered). */
  timeoutMs?: number;
}

/**
 * One kept-alive TCP connection to an AUTH_WORKERS server. The primary hands each new connection
 * to one worker, so every request on this one reaches the same worker: how a test speaks to one
 * worker of its choice.
 */
export class WorkerConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly baseUrl: string) {}

  request(path: string, options: RequestOptions = {}): Promise<WorkerResponse> {
    return send(`${this.baseUrl}${path}`, options, this.agent);
  }

  /** A request on this connection with half its body sent (see halfSent). */
  halfSent(path: string, options: RequestOptions & { body: string }): HalfSentRequest {
    return halfSent(`${this.baseUrl}${path}`, options, this.agent);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A request on a connection of its own, closed after it: the primary picks its worker. */
export function requestOnNewConnection(url: string, options: RequestOptions = {}): Promise<WorkerResponse> {
  return send(url, { ...options, headers: { ...options.headers, connection: 'close' } });
}

/**
 * One connection to each of `count` distinct workers (new connections go to the listening workers
 * round robin; a worker still booting gets none yet, so this keeps trying until `timeoutMs`).
 */
export async function connectionsToWorkers(baseUrl: string, count: number, timeoutMs = 60_000): Promise<Map<string, WorkerConnection>> {
  const found = new Map<string, WorkerConnection>();
  const deadline = Date.now() + timeoutMs;
  while (found.size < count && Date.now() < deadline) {
    const connection = new WorkerConnection(baseUrl);
    const { worker } = await connection.request('/health/live');
    if (found.has(worker)) {
      connection.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
    } else found.set(worker, connection);
  }
  if (found.size < count) throw new Error(`only ${found.size} distinct workers answered within ${timeoutMs} ms`);
  return found;
}

export interface HalfSentRequest {
  /** Resolves once the headers and the first half of the body are on the wire. */
  sentHalf: Promise<void>;
  /** Sends the rest. */
  finish(): void;
  response: Promise<WorkerResponse>;
}

/**
 * A request whose headers and first half of the body are on the wire; finish() sends the rest:
 * provably open on the server while a test signals it. On a connection of its own (closed after
 * it) unless `agent` names a kept-alive one.
 */
export function halfSent(url: string, options: RequestOptions & { body: string }, agent?: Agent): HalfSentRequest {
  const bytes = Buffer.from(options.body);
  const half = Math.floor(bytes.length / 2);
  const { request, response } = open(url, { ...options, headers: { ...(agent ? {} : { connection: 'close' }), ...options.headers } }, agent);
  const sentHalf = new Promise<void>((resolve) => request.write(bytes.subarray(0, half), () => resolve()));
  return { sentHalf, response, finish: () => request.end(bytes.subarray(half)) };
}

function send(url: string, options: RequestOptions, agent?: Agent): Promise<WorkerResponse> {
  const { request, response } = open(url, options, agent);
  request.end(options.body);
  return response;
}

function open(
  url: string,
  { method = 'GET', headers = {}, body, timeoutMs }: RequestOptions,
  agent?: Agent,
): { request: ClientRequest; response: Promise<WorkerResponse> } {
  const request = httpRequest(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    agent,
  });
  const response = new Promise<WorkerResponse>((resolve, reject) => {
    request.once('response', (message) => {
      const chunks: Buffer[] = [];
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.once('end', () =>
        resolve({
          status: message.statusCode ?? 0,
          headers: message.headers,
          body: Buffer.concat(chunks).toString(),
          worker: String(message.headers[WORKER_HEADER]),
        }),
      );
    });
    request.once('error', reject);
    if (timeoutMs !== undefined) request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  });
  return { request, response };
}
