import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import {
  signEvent,
  type ClientSnapshot,
  type RegistrySnapshot,
  type ScopeSnapshot,
  type SyncEnvelope,
  type SyncEventKind,
  type SyncEventPayloads,
} from '#sync';

export const AUDIENCE = 'http://rs.test';

/**
 * A stand-in for the auth server: serves a JWKS from a real ES256 key and the registry
 * snapshot, and signs access tokens the way the token endpoint does.
 */
export interface FakeAuthServer {
  issuer: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  /** What GET /internal/v1/sync/snapshot answers; null answers 503 (auth server not ready). */
  snapshot: RegistrySnapshot | null;
  snapshotRequests: number;
  jwksRequests: number;
  /** RFC 7662 answers by token; a token not in the map is inactive. */
  introspection: Map<string, Record<string, unknown>>;
  introspectionRequests: number;
  /** The Authorization header of the last introspection call. */
  lastIntrospectionAuthorization?: string;
  /** x-request-id of the last snapshot and introspection calls (the resource server forwards its own). */
  lastSnapshotRequestId?: string;
  lastIntrospectionRequestId?: string;
  sign(claims?: JWTPayload, header?: Record<string, unknown>, recognizedCrit?: Record<string, boolean>): Promise<string>;
  /** A stream entry's envelope field as the auth server's relay writes it. */
  signEvent(envelope: SyncEnvelope): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeAuthServer(): Promise<FakeAuthServer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'test-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const fake: FakeAuthServer = {
    issuer: '',
    privateKey,
    publicJwk,
    kid,
    snapshot: null,
    snapshotRequests: 0,
    jwksRequests: 0,
    introspection: new Map(),
    introspectionRequests: 0,
    async sign(claims = {}, header = {}, recognizedCrit) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: 'app', scope: 'reports.read', gid: 'grant-1', gty: 'client_credentials', jti: `jti-${Math.random()}`, ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header })
        .setIssuer((claims.iss as string | undefined) ?? fake.issuer)
        .setAudience((claims.aud as string | undefined) ?? AUDIENCE)
        .setSubject((claims.sub as string | undefined) ?? 'app')
        .setIssuedAt((claims.iat as number | undefined) ?? now)
        .setExpirationTime((claims.exp as number | undefined) ?? now + 300)
        .sign(privateKey, recognizedCrit ? { crit: recognizedCrit } : undefined);
    },
    signEvent: (envelope) => signEvent(envelope, { kid, key: privateKey }, fake.issuer),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    if (request.url === '/oauth/jwks') {
      fake.jwksRequests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    } else if (request.url === '/internal/v1/sync/snapshot') {
      fake.snapshotRequests++;
      fake.lastSnapshotRequestId = request.headers['x-request-id'] as string | undefined;
      if (!fake.snapshot) response.writeHead(503).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fake.snapshot));
    } else if (request.url === '/oauth/introspect' && request.method === 'POST') {
      fake.introspectionRequests++;
      fake.lastIntrospectionAuthorization = request.headers.authorization;
      fake.lastIntrospectionRequestId = request.headers['x-request-id'] as string | undefined;
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const answer = fake.introspection.get(new URLSearchParams(body).get('token') ?? '') ?? { active: false };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    } else {
      response.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export function clientSnapshot(overrides: Partial<ClientSnapshot> = {}): ClientSnapshot {
  return {
    clientId: 'app',
    name: 'App',
    version: '1.0',
    type: 'confidential',
    active: true,
    scopes: ['reports.read', 'reports.write'],
    entityVersion: 1,
    ...overrides,
  };
}

export function scopeSnapshot(name: string, entityVersion = 1): ScopeSnapshot {
  return { name, description: `${name} scope`, requiredPermission: null, entityVersion };
}

export function registrySnapshot(overrides: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    schemaVersion: 1,
    seq: 0,
    clients: [clientSnapshot(), clientSnapshot({ clientId: 'admin-tool', name: 'Admin tool', scopes: ['rs.admin'] })],
    scopes: ['reports.read', 'reports.write', 'rs.admin'].map((name) => scopeSnapshot(name)),
    revocations: [],
    ...overrides,
  };
}

export function envelope<K extends SyncEventKind>(seq: number, kind: K, entityVersion: number, payload: SyncEventPayloads[K]): SyncEnvelope<K> {
  const entityId = 'clientId' in payload ? payload.clientId : (payload as { name: string }).name;
  return { seq, kind, entityId, entityVersion, occurredAt: new Date().toISOString(), payload } as SyncEnvelope<K>;
}
