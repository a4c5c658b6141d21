// class-transformer's @Type reads decorator metadata; main.ts loads this polyfill in production.
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { InvalidConfigurationError } from '#config';
import { loadAuthServerConfig } from './auth-server.config.js';

const DATABASE_URL = 'postgres://portcullis@db.internal:5432/auth';

describe(loadAuthServerConfig.name, () => {
  it('applies the documented defaults', () => {
    expect(loadAuthServerConfig({ DATABASE_URL })).toEqual({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      databaseUrl: DATABASE_URL,
      embeddedDatabase: false,
      databasePoolMode: 'session',
      preparedStatements: true,
      redisUrl: undefined,
      syncStream: 'portcullis:registry-events',
      resourceAudience: 'http://localhost:3001',
      resourceClient: undefined,
      admin: { username: 'admin', password: undefined },
      limits: { passwordHashQueue: 32, pendingAuthorizationsPerIp: 100 },
      passwordHashCost: 15,
      workers: availableParallelism(),
      retention: { intervalSeconds: 300, batchSize: 5000 },
      syncGroupExpirySeconds: 604_800,
      logLevel: 'log',
    });
  });

  // The default on a machine of several cores: auth-server-workers-default.spec.ts.
  it('reads AUTH_WORKERS when set', () => {
    expect(loadAuthServerConfig({ DATABASE_URL, AUTH_WORKERS: '3' }).workers).toBe(3);
    expect(loadAuthServerConfig({ AUTH_WORKERS: '1' }, { databaseUrl: DATABASE_URL, embeddedDatabase: true }).workers).toBe(1);
  });

  it('refuses several workers on the embedded database', () => {
    expect(() => loadAuthServerConfig({ AUTH_WORKERS: '2' }, { databaseUrl: DATABASE_URL, embeddedDatabase: true })).toThrow(
      'Invalid configuration: AUTH_WORKERS must be 1 on the embedded database',
    );
  });

  it('reads every variable', () => {
    const config = loadAuthServerConfig({
      DATABASE_URL,
      AUTH_PORT: '8443',
      AUTH_HOST: '0.0.0.0',
      AUTH_ISSUER: 'https://auth.example.com/realm',
      REDIS_URL: 'redis://cache:6379',
      RESOURCE_AUDIENCE: 'https://api.example.com',
      RESOURCE_CLIENT_ID: 'resource-server',
      RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+',
      ADMIN_USERNAME: 'ops',
      ADMIN_PASSWORD: 'ops-password',
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_QUEUE_LIMIT: '4',
      AUTHORIZE_PENDING_PER_IP: '20',
      PASSWORD_HASH_COST: '17',
      AUTH_WORKERS: '2',
      RETENTION_INTERVAL_SECONDS: '0',
      RETENTION_BATCH_SIZE: '250',
      SYNC_GROUP_EXPIRY_SECONDS: '3600',
    });
    expect(config).toMatchObject({
      port: 8443,
      host: '0.0.0.0',
      issuer: 'https://auth.example.com/realm',
      redisUrl: 'redis://cache:6379',
      resourceAudience: 'https://api.example.com',
      resourceClient: { clientId: 'resource-server', clientSecret: 'a-secret-of-sixteen+' },
      admin: { username: 'ops', password: 'ops-password' },
      limits: { passwordHashQueue: 4, pendingAuthorizationsPerIp: 20 },
      passwordHashCost: 17,
      workers: 2,
      retention: { intervalSeconds: 0, batchSize: 250 },
      syncGroupExpirySeconds: 3600,
      logLevel: 'warn',
    });
  });

  it('turns named prepared statements off behind a transaction pooler unless told otherwise', () => {
    expect(loadAuthServerConfig({ DATABASE_URL, DATABASE_POOL_MODE: 'transaction' })).toMatchObject({
      databasePoolMode: 'transaction',
      preparedStatements: false,
    });
    expect(loadAuthServerConfig({ DATABASE_URL, DATABASE_POOL_MODE: 'transaction', DATABASE_PREPARED_STATEMENTS: 'on' }).preparedStatements).toBe(true);
    expect(loadAuthServerConfig({ DATABASE_URL, DATABASE_PREPARED_STATEMENTS: 'off' })).toMatchObject({
      databasePoolMode: 'session',
      preparedStatements: false,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadAuthServerConfig({ DATABASE_URL, AUTH_PORT: '', AUTH_ISSUER: '' })).toMatchObject({ port: 3000, issuer: 'http://localhost:3000' });
  });

  it('lets overrides win over the environment', () => {
    expect(loadAuthServerConfig({}, { databaseUrl: 'postgres://127.0.0.1:1/x', embeddedDatabase: true, port: 0 })).toMatchObject({
      databaseUrl: 'postgres://127.0.0.1:1/x',
      embeddedDatabase: true,
      port: 0,
    });
  });

  it.each(['redis+cluster://10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000', 'rediss+cluster://portcullis:s3cret@cache:7000', 'redis+sentinel://s1:26379,s2:26379/portcullis/2'])(
    'takes REDIS_URL=%s: a Redis Cluster or a Sentinel group',
    (REDIS_URL) => {
      expect(loadAuthServerConfig({ DATABASE_URL, REDIS_URL }).redisUrl).toBe(REDIS_URL);
    },
  );

  it.each([
    ['redis://a:6379,b:6379', /several hosts need redis\+cluster:\/\/ or redis\+sentinel:\/\//],
    ['redis+sentinel://s1:26379,s2:26379', /names its master group/],
    ['redis+cluster://10.0.0.1:7000/2', /a cluster has only database 0/],
    ['redis+cluster://', /no host/],
    ['redis+cluster://a:99999', /bad port/],
    ['redis+shard://a:7000', /unknown scheme redis\+shard:\/\//],
  ])('refuses REDIS_URL=%s saying why', (REDIS_URL, why) => {
    expect(() => loadAuthServerConfig({ DATABASE_URL, REDIS_URL })).toThrow(new RegExp(`^Invalid configuration: REDIS_URL: REDIS_URL is not usable: .*${why.source}`));
  });

  it('reads SYNC_STREAM and a REDIS_URL with an ACL user and password', () => {
    const config = loadAuthServerConfig({ DATABASE_URL, SYNC_STREAM: 'acme:registry-events', REDIS_URL: 'rediss://portcullis:s3cret@cache:6380/2' });
    expect(config).toMatchObject({ syncStream: 'acme:registry-events', redisUrl: 'rediss://portcullis:s3cret@cache:6380/2' });
  });

  it.each([
    ['SYNC_STREAM', 'two words'],
    ['SYNC_STREAM', 'a/b'],
    ['RETENTION_INTERVAL_SECONDS', '-1'],
    ['RETENTION_INTERVAL_SECONDS', '86401'],
    ['RETENTION_BATCH_SIZE', '0'],
    ['RETENTION_BATCH_SIZE', 'lots'],
    ['SYNC_GROUP_EXPIRY_SECONDS', '59'],
    ['SYNC_GROUP_EXPIRY_SECONDS', '31536001'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadAuthServerConfig({ DATABASE_URL, [name]: value })).toThrow(name);
  });

  it.each([
    ['AUTH_PORT', 'abc'],
    ['AUTH_PORT', '65536'],
    ['AUTH_PORT', '-1'],
    ['AUTH_PORT', '80.5'],
    ['DATABASE_URL', 'mysql://db/auth'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_POOL_MODE', 'statement'],
    ['DATABASE_PREPARED_STATEMENTS', 'false'],
    ['AUTH_ISSUER', 'http://localhost:3000/'],
    ['AUTH_ISSUER', 'https://auth.example.com?tenant=a'],
    ['AUTH_ISSUER', 'https://auth.example.com#top'],
    ['AUTH_ISSUER', 'ftp://auth.example.com'],
    ['REDIS_URL', 'http://cache:6379'],
    ['RESOURCE_AUDIENCE', 'not a url'],
    ['RESOURCE_CLIENT_SECRET', 'short'],
    ['ADMIN_USERNAME', 'with:colon'],
    ['ADMIN_PASSWORD', 'short'],
    ['LOG_LEVEL', 'chatty'],
    ['PASSWORD_HASH_COST', '9'],
    ['PASSWORD_HASH_COST', '21'],
    ['PASSWORD_HASH_COST', '15.5'],
    ['AUTH_WORKERS', '0'],
    ['AUTH_WORKERS', '65'],
    ['AUTH_WORKERS', 'two'],
  ])('rejects %s=%j with an error naming the variable', (name, value) => {
    const load = () => loadAuthServerConfig({ DATABASE_URL, RESOURCE_CLIENT_ID: 'rs', RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+', [name]: value });
    expect(load).toThrow(InvalidConfigurationError);
    expect(load).toThrow(new RegExp(`^Invalid configuration: .*\\b${name}\\b`));
  });

  it('names every bad variable at once', () => {
    expect(() => loadAuthServerConfig({ DATABASE_URL, AUTH_PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/AUTH_PORT: .*; LOG_LEVEL: /);
  });

  it('requires DATABASE_URL unless an override supplies the database', () => {
    expect(() => loadAuthServerConfig({})).toThrow(/DATABASE_URL is required/);
  });

  it.each([[{ RESOURCE_CLIENT_ID: 'resource-server' }], [{ RESOURCE_CLIENT_SECRET: 'a-secret-of-sixteen+' }]])(
    'requires RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET together (%j)',
    (env) => {
      expect(() => loadAuthServerConfig({ DATABASE_URL, ...env })).toThrow(
        'Invalid configuration: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must be set together',
      );
    },
  );
});
