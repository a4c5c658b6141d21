import { Socket } from 'node:net';

/**
 * One HTTP/1.1 exchange over a raw socket. fetch() and node:http refuse the inputs a fuzzer is
 * for (NUL or raw UTF-8 in a header, malformed percent-encoding in the path, duplicated
 * Authorization), so the request is written byte for byte and the response parsed by hand.
 */
export interface RawRequest {
  method: string;
  /** Sent as is: may carry malformed percent-encoding or raw non-ASCII. */
  target: string;
  /** In order, duplicates allowed; values are written as UTF-8. */
  headers: [string, string][];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const TIMEOUT_MS = 10_000;

export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  const body = request.body ?? Buffer.alloc(0);
  const head = [`${request.method} ${request.target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
  if (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method)) head.push(`content-length: ${body.length}`);
  const bytes = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'), body]);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no complete answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    let failure: Error | undefined;
    // The server may answer and close before reading an oversized body (413): the write then
    // fails with EPIPE or ECONNRESET although the answer arrived. Judge on close, by what came.
    socket.once('error', (error) => (failure = error));
    socket.once('close', () => {
      clearTimeout(timer);
      const received = Buffer.concat(chunks);
      if (received.length === 0) return reject(failure ?? new Error('the server closed the connection without answering'));
      try {
        resolve(parseResponse(received, request.method));
      } catch (error) {
        reject(error);
      }
    });
    // No half-close: Node's HTTP server aborts in-flight requests when the client ends first.
    socket.connect(port, '127.0.0.1', () => socket.write(bytes));
  });
}

export function parseResponse(raw: Buffer, method: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`incomplete HTTP response: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] = headers[name] === undefined ? line.slice(colon + 1).trim() : `${headers[name]}, ${line.slice(colon + 1).trim()}`;
  }
  let body = raw.subarray(split + 4);
  if (method === 'HEAD') body = Buffer.alloc(0);
  else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { status: Number(match[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('truncated chunked body');
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
