import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { freePort, metricValue } from '#testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { RunningResourceServer } from '../support/resource-server-harness.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { accessTokenHash, jwkThumbprint } from '#dpop';
import { AUDIENCE, type FakeAuthServer } from '../support/fake-auth-server.js';

const MB = 1024 * 1024;
/** A route's own resource (RFC 8707): its tokens are for it, not for the resource server's AUDIENCE. */
const LEDGER = 'https://ledger.example/api';
const RESOURCE_METADATA = `resource_metadata="${AUDIENCE}/.well-known/oauth-protected-resource/billing"`;

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
  bodySha256: string;
}

/**
 * A bare node:http upstream: records what it receives (body by length and hash), answers with an
 * echo of it, except `/download` (1 MB), `/chunked` (a chunked answer), `/streamed` (half an
 * answer until released), `/hangup` (the connection closed) and `/never` (no answer).
 */
class Upstream {
  readonly received: Received[] = [];
  readonly download = randomBytes(MB);
  private readonly held: ServerResponse[] = [];
  /** Body bytes received so far, over all requests, and who waits for a count. */
  private bytes = 0;
  private readonly byteWaiters: { count: number; resolve: () => void }[] = [];
  /** The answer of `/streamed`, whose end the test releases. */
  private streamed?: ServerResponse;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        length += chunk.length;
        this.bytes += chunk.length;
        for (const waiter of this.byteWaiters.filter((w) => w.count <= this.bytes)) waiter.resolve();
      });
      req.on('end', () => {
        const received = { method: req.method!, url: req.url!, headers: req.headers, bodyLength: length, bodySha256: hash.digest('hex') };
        this.received.push(received);
        this.answer(received, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(received: Received, res: ServerResponse): void {
    const path = received.url.split('?')[0];
    if (path.endsWith('/download')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(MB) }).end(this.download);
    } else if (path.endsWith('/chunked')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one,');
      setImmediate(() => {
        res.write('two,');
        setImmediate(() => res.end('three'));
      });
    } else if (path.endsWith('/streamed')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first,');
      this.streamed = res;
    } else if (path.endsWith('/hangup')) {
      res.socket?.destroy();
    } else if (path.endsWith('/never')) {
      this.held.push(res);
    } else {
      res.writeHead(received.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-upstream': 'yes', connection: 'keep-alive' });
      res.end(received.method === 'HEAD' ? undefined : JSON.stringify(received));
    }
  }

  /** Resolves once `count` more body bytes than now have arrived. */
  bytesArrived(count: number): Promise<void> {
    return new Promise((resolve) => this.byteWaiters.push({ count: this.bytes + count, resolve }));
  }

  releaseStreamed(): void {
    this.streamed?.end('second');
  }

  last(): Received | undefined {
    return this.received.at(-1);
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Issue 14 item 1: requests under RESOURCE_ROUTES_FILE routes go through to their upstreams. */
describe('resource server: gateway', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  const upstream = new Upstream();
  let upstreamOrigin: string;

  beforeAll(async () => {
    const url = await upstream.start();
    upstreamOrigin = url;
    const down = `http://127.0.0.1:${await freePort()}`;
    stack = await startRoutedResourceServer([
      `  - { match: { pathPrefix: /billing, methods: [GET, POST] }, upstream: "${url}", stripPrefix: true, scopes: { allOf: [reports.read] } }`,
      `  - { match: { pathPrefix: /billing/admin }, upstream: "${url}", scopes: { allOf: [rs.admin] } }`,
      `  - { match: { pathPrefix: /kept }, upstream: "${url}/base", scopes: { anyOf: [reports.read, rs.admin] } }`,
      `  - { match: { pathPrefix: /files, methods: [GET, PUT, POST] }, upstream: "${url}", stripPrefix: true, scopes: { allOf: [reports.write] } }`,
      `  - { match: { pathPrefix: /open }, upstream: "${url}", stripPrefix: true, scopes: public }`,
      `  - { match: { pathPrefix: /health }, upstream: "${url}", scopes: public }`,
      `  - { match: { pathPrefix: /down }, upstream: "${down}", scopes: public }`,
      `  - { match: { pathPrefix: /slow }, upstream: "${url}", scopes: public, timeoutMs: 200 }`,
      `  - { match: { pathPrefix: /ledger }, upstream: "${url}", stripPrefix: true, scopes: { allOf: [reports.read] }, resource: "${LEDGER}" }`,
    ]);
    ({ rs, authServer } = stack);
  });

  afterAll(async () => {
    await stack?.close();
    await upstream.close();
  });

  let before: number;
  beforeEach(() => {
    before = upstream.received.length;
  });
  const reachedUpstream = () => upstream.received.length > before;

  /** A request sent as written: fetch() would resolve "..", "%2e%2e" and "//" before sending. */
  function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const { hostname, port } = new URL(rs.baseUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Bytes written on a fresh socket, and what comes back before the server closes it. */
  function rawSocket(bytes: string): Promise<string> {
    const { hostname, port } = new URL(rs.baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('end', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
      socket.end(bytes);
    });
  }

  it('passes a GET through: prefix stripped, query kept, Authorization and caller X-Auth-* removed, X-Auth-* and X-Forwarded-* added', async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read', jti: 'token-7' });
    const response = await rs.request('/billing/invoices/42?status=open&x=%20y', {
      token,
      headers: { 'x-auth-subject': 'mallory', 'x-auth-scope': 'rs.admin', 'x-auth-roles': 'root', 'x-forwarded-for': '6.6.6.6', accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    const seen = (await response.json()) as Received;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/invoices/42?status=open&x=%20y');
    expect(seen.headers.authorization).toBeUndefined();
    expect(
      Object.keys(seen.headers)
        .filter((name) => name.startsWith('x-auth-'))
        .sort(),
    ).toEqual(['x-auth-client-id', 'x-auth-scope', 'x-auth-subject', 'x-auth-token-id']);
    expect(seen.headers).toMatchObject({
      'x-auth-subject': 'alice',
      'x-auth-client-id': 'app',
      'x-auth-scope': 'reports.read',
      'x-auth-token-id': 'token-7',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': new URL(rs.baseUrl).host,
      accept: 'application/json',
    });
    expect(seen.headers.host).toBe(new URL(upstreamOrigin).host);
    expect(seen.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('passes a POST body through and the upstream status back', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    const response = await rs.request('/billing', { method: 'POST', token, json: { amount: 12 } });
    expect(response.status).toBe(201);
    const seen = (await response.json()) as Received;
    expect(seen.url).toBe('/');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.bodySha256).toBe(sha256(Buffer.from(JSON.stringify({ amount: 12 }))));
  });

  it('keeps the prefix without stripPrefix, under the upstream path', async () => {
    const response = await rs.request('/kept/a/b?c=d', { token: await authServer.sign({ scope: 'reports.read' }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Received).url).toBe('/base/kept/a/b?c=d');
  });

  it('streams a 1 MB upload intact, with Content-Length and chunked', async () => {
    const token = await authServer.sign({ scope: 'reports.write' });
    const upload = randomBytes(MB);
    const sized = await rs.request('/files/upload', { method: 'PUT', token, body: upload, headers: { 'content-type': 'application/octet-stream' } });
    expect(sized.status).toBe(200);
    expect(upstream.last()).toMatchObject({ method: 'PUT', url: '/upload', bodyLength: MB, bodySha256: sha256(upload) });

    const chunks = [upload.subarray(0, MB / 2), upload.subarray(MB / 2)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await rs.request('/files/upload', {
      method: 'POST',
      token,
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/x-anything' },
    } as RequestInit);
    expect(chunked.status).toBe(201);
    expect(upstream.last()).toMatchObject({ method: 'POST', bodyLength: MB, bodySha256: sha256(upload) });
    expect(upstream.last()!.headers['content-type']).toBe('application/x-anything');
  });

  it('streams, never buffers: the upstream gets the first part of an upload before the rest is sent, the client the first part of an answer before the rest exists', async () => {
    // No timing: a gateway that buffered would wait for the rest, which only comes after.
    const token = await authServer.sign({ scope: 'reports.write' });
    const first = randomBytes(64 * 1024);
    const second = randomBytes(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        sent += 1;
        if (sent === 1) {
          const arrived = upstream.bytesArrived(first.length);
          controller.enqueue(first);
          await arrived;
        } else if (sent === 2) controller.enqueue(second);
        else controller.close();
      },
    });
    const upload = await rs.request('/files/piecewise', { method: 'POST', token, body, duplex: 'half' } as RequestInit);
    expect(upload.status).toBe(201);
    expect(upstream.last()).toMatchObject({ bodyLength: first.length + second.length, bodySha256: sha256(Buffer.concat([first, second])) });

    const download = await rs.request('/files/streamed', { token });
    expect(download.status).toBe(200);
    const reader = download.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('first,')) text += decoder.decode((await reader.read()).value);
    upstream.releaseStreamed();
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value);
    expect(text).toBe('first,second');
  });

  it('passes an upload sent with Expect: 100-continue (curl does for large bodies)', async () => {
    const token = await authServer.sign({ scope: 'reports.write' });
    const upload = randomBytes(MB);
    const { hostname, port } = new URL(rs.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: hostname,
        port,
        method: 'PUT',
        path: '/files/continued',
        headers: { authorization: `Bearer ${token}`, expect: '100-continue', 'content-length': String(MB), 'content-type': 'application/octet-stream' },
      });
      req.on('continue', () => req.end(upload));
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
    expect(upstream.last()).toMatchObject({ url: '/continued', bodyLength: MB, bodySha256: sha256(upload) });
    expect(upstream.last()!.headers.expect).toBeUndefined();
  });

  it('answers HEAD through a GET route, without a body', async () => {
    const response = await raw('HEAD', '/open/status');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    expect(upstream.last()!.method).toBe('HEAD');
  });

  it('streams a 1 MB download intact, and a chunked answer as chunks', async () => {
    const token = await authServer.sign({ scope: 'reports.write' });
    const download = await rs.request('/files/download', { token });
    expect(download.status).toBe(200);
    expect(sha256(new Uint8Array(await download.arrayBuffer()))).toBe(sha256(upstream.download));

    const chunked = await raw('GET', '/files/chunked', { authorization: `Bearer ${token}` });
    expect(chunked.status).toBe(200);
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.body).toBe('one,two,three');
  });

  it('lets anyone through a public route, without X-Auth-* even forged ones', async () => {
    const response = await rs.request('/open/status', { headers: { 'x-auth-subject': 'forged', 'x-auth-token-id': 'forged' } });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as Received;
    expect(seen.url).toBe('/status');
    expect(Object.keys(seen.headers).filter((name) => name.startsWith('x-auth-'))).toEqual([]);
  });

  it('leaves the resource server its own paths; the rest of a route prefix goes through', async () => {
    const live = await rs.request('/health/live');
    expect(live.status).toBe(200);
    expect(reachedUpstream()).toBe(false);
    const other = await rs.request('/health/elsewhere');
    expect(other.status).toBe(200);
    expect(((await other.json()) as Received).url).toBe('/health/elsewhere');
  });

  it('refuses 401 with the challenge, 403 naming the scopes, 404 and 405, none reaching the upstream', async () => {
    const unauthenticated = await rs.request('/billing/x');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toBe(`Bearer ${RESOURCE_METADATA}`);
    expect(unauthenticated.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const forbidden = await rs.request('/billing/admin/users', { token: await authServer.sign({ scope: 'reports.read' }) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="rs.admin"');

    const token = await authServer.sign({ scope: 'reports.read' });
    const none = await rs.request('/nowhere', { token });
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const method = await rs.request('/billing/x', { method: 'DELETE', token });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET, HEAD, POST');

    const tokenInQuery = await rs.request(`/billing/x?access_token=${token}`);
    expect(tokenInQuery.status).toBe(400);
    expect(reachedUpstream()).toBe(false);
  });

  it.each(['/open/..%2fbilling', '/open/%2e%2e/billing', '/open/../billing', '//billing', '/open;x/../billing', '/open/%252e%252e/billing', '/open/./x'])(
    'refuses the ambiguous path %s with 400, never reaching the upstream',
    async (path) => {
      const response = await raw('GET', path);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ title: 'Bad request path' });
      expect(reachedUpstream()).toBe(false);
    },
  );

  it('passes a segment ending with dots; refuses one beginning with ".." as the proxy library does, as a problem', async () => {
    const response = await raw('GET', '/open/file..');
    expect(response.status).toBe(200);
    expect((JSON.parse(response.body) as Received).url).toBe('/file..');
    const refused = await raw('GET', '/open/..hidden');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ title: 'Bad request path', detail: 'the path has a segment beginning or ending with ".."' });
  });

  it('answers 502 for an upstream whose port is closed', async () => {
    const response = await rs.request('/down/x');
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 502, title: 'Bad gateway' });
  });

  it('answers 502 for an upstream that hangs up without answering', async () => {
    const response = await rs.request('/open/hangup');
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ status: 502, title: 'Bad gateway' });
    expect(reachedUpstream()).toBe(true);
  });

  it('answers 504 for an upstream that does not answer within the route timeoutMs', async () => {
    const response = await rs.request('/slow/never');
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ status: 504, title: 'Gateway timeout', detail: 'the upstream did not answer within 200 ms' });
    expect(reachedUpstream()).toBe(true);
  });

  it('refuses at once a client disabled at the resource server', async () => {
    const adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await rs.request('/billing/x', { token })).status).toBe(200);
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    try {
      const count = upstream.received.length;
      const refused = await rs.request('/billing/x', { token });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(upstream.received.length).toBe(count);
    } finally {
      expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
    }
  });

  it('labels its requests in the metrics by the matched route prefix, "unmatched" for a path no route covers, never "/*"', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await rs.request('/billing/metrics-1', { token })).status).toBe(200);
    expect((await rs.request('/billing/admin/metrics-2', { token })).status).toBe(403);
    expect((await rs.request('/nowhere/metrics-3')).status).toBe(404);
    const metrics = await (await rs.request('/metrics')).text();
    const requests = (route: string, statusClass: string) =>
      metricValue(metrics, `http_request_duration_seconds_count{method="GET",route="${route}",status_class="${statusClass}"}`);
    const decisions = (route: string, status: number) => metricValue(metrics, `route_decisions_total{via="gateway",route="${route}",status="${status}"}`);
    expect(requests('/billing', '2xx')).toBeGreaterThan(0);
    expect(requests('/billing/admin', '4xx')).toBeGreaterThan(0);
    expect(requests('unmatched', '4xx')).toBeGreaterThan(0);
    expect(decisions('/billing', 200)).toBeGreaterThan(0);
    expect(decisions('/billing/admin', 403)).toBeGreaterThan(0);
    expect(decisions('unmatched', 404)).toBeGreaterThan(0);
    expect(metrics).not.toMatch(/route="\/\*"/);
    expect(metrics).not.toContain('metrics-1');
  });

  describe('smuggling: refused before the upstream sees anything', () => {
    const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

    it.each([
      ['duplicate Content-Length', head(['POST /open/x HTTP/1.1', 'Host: rs', 'Content-Length: 5', 'Content-Length: 5']) + 'hello'],
      ['differing Content-Length', head(['POST /open/x HTTP/1.1', 'Host: rs', 'Content-Length: 5', 'Content-Length: 30']) + 'hello'],
      [
        'Transfer-Encoding with Content-Length',
        head(['POST /open/x HTTP/1.1', 'Host: rs', 'Content-Length: 4', 'Transfer-Encoding: chunked']) +
          '0\r\n\r\nGET /open/smuggled HTTP/1.1\r\nHost: rs\r\n\r\n',
      ],
      ['an obfuscated Transfer-Encoding', head(['POST /open/x HTTP/1.1', 'Host: rs', 'Transfer-Encoding: xchunked', 'Content-Length: 4']) + 'abcd'],
      ['oversized headers', head(['GET /open/x HTTP/1.1', 'Host: rs', `X-Big: ${'a'.repeat(64 * 1024)}`])],
    ])('%s', async (_name, bytes) => {
      const answer = await rawSocket(bytes);
      expect(answer).toMatch(/^HTTP\/1\.1 (400|431) /);
      expect(answer).not.toMatch(/HTTP\/1\.1 200/);
      expect(reachedUpstream()).toBe(false);
    });
  });

  describe("a route's resource (RFC 8707) and its RFC 9728 document", () => {
    it('admits only tokens for the route resource; the resource server audience does not open it, nor its tokens the other routes', async () => {
      const forLedger = await authServer.sign({ aud: LEDGER, scope: 'reports.read' });
      const ok = await rs.request('/ledger/entries', { token: forLedger });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as Received).url).toBe('/entries');
      const forRs = await rs.request('/ledger/entries', { token: await authServer.sign({ scope: 'reports.read' }) });
      expect(forRs.status).toBe(401);
      expect(forRs.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(forRs.headers.get('www-authenticate')).toContain(`resource_metadata="${AUDIENCE}/.well-known/oauth-protected-resource/ledger"`);
      expect((await rs.request('/billing/x', { token: forLedger })).status).toBe(401);
      expect((await rs.request('/api/me', { token: forLedger })).status).toBe(401);
    });

    it('serves each route prefix its document; an unknown prefix is 404', async () => {
      const ledger = await rs.request('/.well-known/oauth-protected-resource/ledger');
      expect(ledger.status).toBe(200);
      expect(await ledger.json()).toMatchObject({ resource: LEDGER, authorization_servers: [authServer.issuer], scopes_supported: ['reports.read'], bearer_methods_supported: ['header'] });
      expect(await (await rs.request('/.well-known/oauth-protected-resource/billing/admin')).json()).toMatchObject({ resource: AUDIENCE, scopes_supported: ['rs.admin'] });
      expect((await rs.request('/.well-known/oauth-protected-resource/nowhere')).status).toBe(404);
      expect((await rs.request('/.well-known/oauth-protected-resource')).status).toBe(200);
    });

    it('refuses a routes file whose resource is not an absolute URI or has a fragment', async () => {
      const { parseRoutes } = await import('../../src/routes/route-rules.js');
      const base = { match: { pathPrefix: '/x' }, upstream: 'http://127.0.0.1:1', scopes: 'public' };
      expect(() => parseRoutes([{ ...base, resource: '/relative' }])).toThrow(/resource: .*not an absolute URI/);
      expect(() => parseRoutes([{ ...base, resource: 'https://a.example/#f' }])).toThrow(/resource: a resource has no fragment/);
      expect(() => parseRoutes([{ ...base, resource: 7 }])).toThrow(/resource: expected/);
    });
  });

  describe('DPoP-bound tokens through the gateway (RFC 9449 §7)', () => {
    it('forwards a bound token with a proof for the URL the client called, and refuses it as Bearer or with a replayed proof', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const token = await authServer.sign({ scope: 'reports.read', cnf: { jkt: jwkThumbprint(jwk as Record<string, unknown>) } });
      const proof = () =>
        new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: `${rs.baseUrl}/billing/dpop`, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(token) })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
          .sign(privateKey);
      const once = await proof();
      const admitted = await rs.request('/billing/dpop', { headers: { authorization: `DPoP ${token}`, dpop: once } });
      expect(admitted.status).toBe(200);
      expect(((await admitted.json()) as Received).headers.authorization).toBeUndefined();
      const replayed = await rs.request('/billing/dpop', { headers: { authorization: `DPoP ${token}`, dpop: once } });
      expect(replayed.status).toBe(401);
      expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
      expect(replayed.headers.get('www-authenticate')).toContain('resource_metadata=');
      const asBearer = await rs.request('/billing/dpop', { token, headers: { dpop: await proof() } });
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    });
  });
});
