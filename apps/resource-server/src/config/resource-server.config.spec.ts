// class-transformer's @Type reads decorator metadata; main.ts loads this polyfill in production.
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InvalidConfigurationError } from '#config';
import { loadResourceServerConfig } from './resource-server.config.js';

const RESOURCE_DATABASE_URL = 'postgresql://portcullis@db.internal:5432/resource';

describe(loadResourceServerConfig.name, () => {
  it('applies the documented defaults', () => {
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL })).toEqual({
      port: 3001,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      authServerUrl: 'http://localhost:3000',
      audience: 'http://localhost:3001',
      databaseUrl: RESOURCE_DATABASE_URL,
      embeddedDatabase: false,
      databasePoolMode: 'session',
      redisUrl: undefined,
      syncStream: 'portcullis:registry-events',
      client: undefined,
      tokenValidation: 'jwt',
      authServerMode: 'portcullis',
      logLevel: 'log',
      workers: 1,
      routes: [],
    });
  });

  it('reads RESOURCE_WORKERS, which above 1 needs REDIS_URL, and refuses a count out of range', () => {
    const redis = { RESOURCE_DATABASE_URL, REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadResourceServerConfig({ ...redis, RESOURCE_WORKERS: '4' }).workers).toBe(4);
    expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_WORKERS: '2' })).toThrow(/RESOURCE_WORKERS above 1 needs REDIS_URL/);
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_WORKERS: '1' }).workers).toBe(1);
    for (const bad of ['0', '65', 'two', '1.5']) expect(() => loadResourceServerConfig({ ...redis, RESOURCE_WORKERS: bad })).toThrow(/RESOURCE_WORKERS/);
  });

  // The default, one per core where a pool can run: resource-server-workers-default.spec.ts.
  describe('AUTH_SERVER_MODE=external', () => {
    const external = { RESOURCE_DATABASE_URL, AUTH_SERVER_MODE: 'external', AUTH_ISSUER: 'https://id.example.com/realms/main' };

    it('reads the mode with an explicit issuer', () => {
      expect(loadResourceServerConfig(external)).toMatchObject({
        authServerMode: 'external',
        issuer: 'https://id.example.com/realms/main',
        tokenValidation: 'jwt',
      });
    });

    it('refuses a missing AUTH_ISSUER (no default issuer to discover)', () => {
      expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, AUTH_SERVER_MODE: 'external' })).toThrow(/AUTH_SERVER_MODE=external requires AUTH_ISSUER/);
    });

    it('refuses REDIS_URL: no sync events come from another server', () => {
      expect(() => loadResourceServerConfig({ ...external, REDIS_URL: 'redis://cache:6379' })).toThrow(/unset REDIS_URL/);
    });

    it('refuses introspection without the client to introspect as', () => {
      expect(() => loadResourceServerConfig({ ...external, TOKEN_VALIDATION: 'introspection' })).toThrow(/requires RESOURCE_CLIENT_ID/);
      expect(
        loadResourceServerConfig({ ...external, TOKEN_VALIDATION: 'introspection', RESOURCE_CLIENT_ID: 'rs', RESOURCE_CLIENT_SECRET: 'a-long-enough-secret' }),
      ).toMatchObject({ tokenValidation: 'introspection', client: { clientId: 'rs' } });
    });

    it('refuses an unknown mode', () => {
      expect(() => loadResourceServerConfig({ ...external, AUTH_SERVER_MODE: 'keycloak' })).toThrow(InvalidConfigurationError);
    });
  });

  it('calls the auth server at AUTH_SERVER_URL when given, while tokens keep the issuer', () => {
    const config = loadResourceServerConfig({ RESOURCE_DATABASE_URL, AUTH_ISSUER: 'http://localhost:3000', AUTH_SERVER_URL: 'http://auth-server:3000/' });
    expect(config).toMatchObject({ issuer: 'http://localhost:3000', authServerUrl: 'http://auth-server:3000' });
  });

  it('reads the client credentials, transport and validation mode', () => {
    const config = loadResourceServerConfig({
      RESOURCE_DATABASE_URL,
      RESOURCE_PORT: '9001',
      RESOURCE_HOST: '0.0.0.0',
      AUTH_ISSUER: 'https://auth.example.com',
      RESOURCE_AUDIENCE: 'https://api.example.com',
      REDIS_URL: 'rediss://cache:6380',
      RESOURCE_CLIENT_ID: 'resource-server',
      RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+',
      TOKEN_VALIDATION: 'introspection',
    });
    expect(config).toMatchObject({
      port: 9001,
      host: '0.0.0.0',
      issuer: 'https://auth.example.com',
      audience: 'https://api.example.com',
      redisUrl: 'rediss://cache:6380',
      client: { clientId: 'resource-server', clientSecret: 'a-secret-of-sixteen+' },
      tokenValidation: 'introspection',
    });
  });

  it('takes a Redis Cluster or a Sentinel group as REDIS_URL, and refuses a half-written one', () => {
    const cluster = 'rediss+cluster://portcullis:s3cret@10.0.0.1:7000,10.0.0.2:7000';
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL, REDIS_URL: cluster }).redisUrl).toBe(cluster);
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL, REDIS_URL: 'redis+sentinel://s1,s2,s3/portcullis' }).redisUrl).toBe('redis+sentinel://s1,s2,s3/portcullis');
    expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, REDIS_URL: 'redis+sentinel://s1,s2,s3' })).toThrow(/REDIS_URL is not usable: a redis\+sentinel:\/\/ URL names its master group/);
  });

  it('reads SYNC_STREAM and a REDIS_URL with an ACL user and password', () => {
    const config = loadResourceServerConfig({
      RESOURCE_DATABASE_URL,
      SYNC_STREAM: 'acme:registry-events',
      REDIS_URL: 'rediss://portcullis:s3cret@cache:6380/2',
    });
    expect(config).toMatchObject({ syncStream: 'acme:registry-events', redisUrl: 'rediss://portcullis:s3cret@cache:6380/2' });
  });

  it.each([
    ['SYNC_STREAM', 'two words'],
    ['SYNC_STREAM', 'a/b'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, [name]: value })).toThrow(name);
  });

  it.each([
    ['RESOURCE_PORT', 'abc'],
    ['RESOURCE_PORT', '70000'],
    ['RESOURCE_DATABASE_URL', 'mysql://db/resource'],
    ['RESOURCE_DATABASE_POOL_MODE', 'statement'],
    ['AUTH_ISSUER', 'not a url'],
    ['RESOURCE_AUDIENCE', 'ftp://api.example.com'],
    ['REDIS_URL', 'postgres://cache'],
    ['RESOURCE_CLIENT_SECRET', 'short'],
    ['TOKEN_VALIDATION', 'both'],
    ['LOG_LEVEL', 'chatty'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    const load = () =>
      loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_CLIENT_ID: 'rs', RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+', [name]: value });
    expect(load).toThrow(InvalidConfigurationError);
    expect(load).toThrow(new RegExp(`^Invalid configuration: .*\\b${name}\\b`));
  });

  it('requires RESOURCE_DATABASE_URL unless an override supplies the database', () => {
    expect(() => loadResourceServerConfig({})).toThrow(/RESOURCE_DATABASE_URL is required/);
    expect(loadResourceServerConfig({}, { databaseUrl: 'postgres://127.0.0.1:1/x', embeddedDatabase: true }).embeddedDatabase).toBe(true);
  });

  it.each([[{ RESOURCE_CLIENT_ID: 'resource-server' }], [{ RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+' }]])(
    'requires RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET together (%j)',
    (env) => {
      expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, ...env })).toThrow(
        'Invalid configuration: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must be set together',
      );
    },
  );
});

describe('RESOURCE_ROUTES_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads and validates the routes at boot, naming the route and field of an error', () => {
    const good = join(dir, 'routes.json');
    writeFileSync(good, JSON.stringify({ routes: [{ match: { pathPrefix: '/billing' }, upstream: 'http://127.0.0.1:8080', scopes: 'public' }] }));
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_ROUTES_FILE: good }).routes).toMatchObject([{ pathPrefix: '/billing' }]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ match: { pathPrefix: '/billing' }, upstream: 'ftp://x', scopes: 'public' }]));
    expect(() => loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_ROUTES_FILE: bad })).toThrow(/routes\[0\] \(\/billing\): upstream: /);
  });

  it('refuses clientBasic routes with AUTH_SERVER_MODE=external: their clients are not synced here', () => {
    const file = join(dir, 'client-basic.json');
    writeFileSync(file, JSON.stringify([{ match: { pathPrefix: '/partners' }, upstream: 'http://127.0.0.1:8080', scopes: { allOf: [] }, clientBasic: true }]));
    expect(loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_ROUTES_FILE: file }).routes[0].clientBasic).toBe(true);
    expect(() =>
      loadResourceServerConfig({ RESOURCE_DATABASE_URL, RESOURCE_ROUTES_FILE: file, AUTH_SERVER_MODE: 'external', AUTH_ISSUER: 'https://id.example.com' }),
    ).toThrow(/AUTH_SERVER_MODE=external cannot check client credentials: remove clientBasic from routes\[0\] \(\/partners\)/);
  });
});
