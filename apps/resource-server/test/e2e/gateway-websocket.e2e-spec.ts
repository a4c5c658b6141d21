import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { freePort } from '#testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket, { WebSocketServer } from 'ws';
import type { RunningResourceServer } from '../support/resource-server-harness.js';
import { startRoutedResourceServer, type RoutedResourceServer } from '../support/routed-resource-server.js';
import type { FakeAuthServer } from '../support/fake-auth-server.js';

interface Handshake {
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A `ws` echo upstream: its first message is the handshake it received, then it echoes. It
 * refuses the handshake of `/refused` (403) and never answers that of `/never`.
 */
class EchoUpstream {
  /** Upgrade requests that reached it, refused or not. */
  handshakes = 0;
  /** Resolves when a connection of this upstream closes. */
  closed = new Promise<void>((resolve) => (this.closedNow = resolve));
  private closedNow!: () => void;
  private server!: Server;
  private wss!: WebSocketServer;
  /** Upgraded sockets, which server.close() waits for but closeAllConnections() does not close. */
  private readonly sockets: Duplex[] = [];

  async start(): Promise<string> {
    this.server = createServer((_req, res) => res.writeHead(426).end());
    this.server.on('upgrade', (_req, socket: Duplex) => {
      this.handshakes++;
      this.sockets.push(socket);
    });
    this.wss = new WebSocketServer({
      server: this.server,
      verifyClient: ({ req }, answer) => {
        if (req.url?.startsWith('/refused')) answer(false, 403, 'Forbidden');
        else if (!req.url?.startsWith('/never')) answer(true);
      },
    });
    this.wss.on('connection', (socket, req) => {
      socket.send(JSON.stringify({ url: req.url ?? '', headers: req.headers } satisfies Handshake));
      socket.on('message', (data, binary) => socket.send(data, { binary }));
      socket.on('close', () => this.closedNow());
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Issue 14 item 1: WebSocket upgrades through the gateway, on routes with `websocket: true`. */
describe('resource server: gateway WebSocket', () => {
  let authServer: FakeAuthServer;
  let rs: RunningResourceServer;
  let stack: RoutedResourceServer | undefined;
  const upstream = new EchoUpstream();

  beforeAll(async () => {
    const url = await upstream.start();
    const down = `http://127.0.0.1:${await freePort()}`;
    stack = await startRoutedResourceServer([
      `  - { match: { pathPrefix: /live }, upstream: "${url}", stripPrefix: true, scopes: { allOf: [reports.read] }, websocket: true }`,
      `  - { match: { pathPrefix: /plain }, upstream: "${url}", scopes: public }`,
      `  - { match: { pathPrefix: /gone }, upstream: "${down}", scopes: public, websocket: true }`,
      `  - { match: { pathPrefix: /open }, upstream: "${url}", stripPrefix: true, scopes: public, websocket: true, timeoutMs: 200 }`,
    ]);
    ({ rs, authServer } = stack);
  });

  afterAll(async () => {
    await stack?.close();
    await upstream.close();
  });

  const wsUrl = (path: string) => rs.baseUrl.replace(/^http/, 'ws') + path;

  /** Opens a WebSocket through the gateway; resolves with the upstream's handshake message. */
  function open(
    path: string,
    headers: Record<string, string>,
    protocols: string[] = [],
  ): Promise<{ socket: WebSocket; handshake: Handshake; next: () => Promise<string> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(path), protocols, { headers });
      const messages: string[] = [];
      const waiters: ((message: string) => void)[] = [];
      socket.on('message', (data) => {
        const waiter = waiters.shift();
        if (waiter) waiter(String(data));
        else messages.push(String(data));
      });
      const next = () => new Promise<string>((done) => (messages.length > 0 ? done(messages.shift()!) : waiters.push(done)));
      socket.on('error', reject);
      socket.on('open', () => void next().then((first) => resolve({ socket, handshake: JSON.parse(first) as Handshake, next })));
    });
  }

  /** An upgrade request that must not be upgraded: the plain HTTP answer written on the socket. */
  function refusedUpgrade(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const { hostname, port } = new URL(rs.baseUrl);
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: hostname,
        port,
        path,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        reject(new Error('upgraded'));
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('echoes through; the upstream gets the path without the prefix, the query, X-Auth-* of the decision, no Authorization', async () => {
    const token = await authServer.sign({ sub: 'alice', scope: 'reports.read', jti: 'token-9' });
    const { socket, handshake, next } = await open('/live/chat?room=1', {
      authorization: `Bearer ${token}`,
      'x-auth-subject': 'mallory',
      'x-auth-roles': 'root',
    });
    try {
      expect(handshake.url).toBe('/chat?room=1');
      expect(handshake.headers.authorization).toBeUndefined();
      expect(
        Object.keys(handshake.headers)
          .filter((name) => name.startsWith('x-auth-'))
          .sort(),
      ).toEqual(['x-auth-client-id', 'x-auth-scope', 'x-auth-subject', 'x-auth-token-id']);
      expect(handshake.headers).toMatchObject({
        'x-auth-subject': 'alice',
        'x-auth-client-id': 'app',
        'x-auth-scope': 'reports.read',
        'x-auth-token-id': 'token-9',
        'x-forwarded-for': '127.0.0.1',
      });
      expect(handshake.headers['x-request-id']).toEqual(expect.any(String));
      socket.send('hello');
      expect(await next()).toBe('hello');
      socket.send('x'.repeat(200_000));
      expect(await next()).toBe('x'.repeat(200_000));
    } finally {
      socket.close();
    }
    // The client's close reaches the upstream through the pipe.
    await upstream.closed;
  });

  it("lets anyone through a public websocket route, without X-Auth-* even forged ones; the subprotocol is the upstream's choice", async () => {
    // Left open: the server's stop (afterAll) must close it, not wait for it.
    const { socket, handshake } = await open('/open/feed', { 'x-auth-subject': 'mallory' }, ['feed.v2', 'feed.v1']);
    expect(handshake.url).toBe('/feed');
    expect(handshake.headers['sec-websocket-protocol']).toBe('feed.v2,feed.v1');
    expect(socket.protocol).toBe('feed.v2');
    expect(Object.keys(handshake.headers).filter((name) => name.startsWith('x-auth-'))).toEqual([]);
  });

  it('passes back an upstream refusing the handshake', async () => {
    const answer = await refusedUpgrade('/open/refused');
    expect(answer.status).toBe(403);
  });

  it('answers 504 for an upstream that does not answer the handshake within the route timeoutMs', async () => {
    const answer = await refusedUpgrade('/open/never');
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 504, title: 'Gateway timeout' });
  });

  it('refuses without a token: 401 with the challenge, on the socket, the upstream never reached', async () => {
    const before = upstream.handshakes;
    const answer = await refusedUpgrade('/live/chat');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(answer.headers['www-authenticate']).toContain('resource_metadata=');
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.headers.connection).toBe('close');
    expect(upstream.handshakes).toBe(before);
  });

  it('refuses 403 for a token without the route scope, 404 outside the routes', async () => {
    const token = await authServer.sign({ scope: 'reports.write' });
    expect((await refusedUpgrade('/live/chat', { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await refusedUpgrade('/nowhere')).status).toBe(404);
  });

  it('refuses an upgrade on a route without websocket: true (400), never proxied', async () => {
    const before = upstream.handshakes;
    const answer = await refusedUpgrade('/plain/chat');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, title: 'WebSocket not allowed' });
    expect(upstream.handshakes).toBe(before);
  });

  it('refuses an upgrade to another protocol than WebSocket', async () => {
    const token = await authServer.sign({ scope: 'reports.read' });
    const answer = await refusedUpgrade('/live/chat', { authorization: `Bearer ${token}`, upgrade: 'h2c' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ title: 'Upgrade not supported' });
  });

  it('answers 502 on the socket for an upstream that is down', async () => {
    const answer = await refusedUpgrade('/gone/chat');
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 502, title: 'Bad gateway' });
  });

  it('leaves the resource server its own paths: an upgrade to /health/live is answered as /health/live', async () => {
    const answer = await refusedUpgrade('/health/live');
    expect(answer.status).toBe(200);
  });

  it('refuses a client disabled at the resource server', async () => {
    const adminToken = await authServer.sign({ client_id: 'admin-tool', scope: 'rs.admin' });
    const token = await authServer.sign({ scope: 'reports.read' });
    expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: false } })).status).toBe(200);
    try {
      const before = upstream.handshakes;
      const answer = await refusedUpgrade('/live/chat', { authorization: `Bearer ${token}` });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      expect(upstream.handshakes).toBe(before);
    } finally {
      expect((await rs.request('/admin/v1/clients/app', { method: 'PATCH', token: adminToken, json: { enabled: true } })).status).toBe(200);
    }
  });
});
