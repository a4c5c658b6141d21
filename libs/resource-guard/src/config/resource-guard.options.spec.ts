import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SYNC_STREAM } from '#sync/constants';
import { DEFAULT_SNAPSHOT_POLL_MS, resolveResourceGuardConfig, type ResourceGuardOptions } from './resource-guard.options.js';

const client = { clientId: 'resource-server', clientSecret: 'a-secret-of-sixteen-chars' };
const synced: ResourceGuardOptions = {
  issuer: 'https://auth.example.com/',
  audience: 'https://notes.example.com',
  databaseUrl: 'postgres://db/notes_guard',
  client,
};

describe(resolveResourceGuardConfig.name, () => {
  it('synced mode without Redis: the registry snapshot is polled, and the defaults are filled in', () => {
    expect(resolveResourceGuardConfig(synced)).toMatchObject({
      issuer: 'https://auth.example.com/',
      authServerUrl: 'https://auth.example.com',
      audience: 'https://notes.example.com',
      authServerMode: 'portcullis',
      tokenValidation: 'jwt',
      syncStream: DEFAULT_SYNC_STREAM,
      consumerGroup: expect.stringMatching(/^guard-/),
      snapshotPollMs: DEFAULT_SNAPSHOT_POLL_MS,
      client,
    });
  });

  it('with Redis (or an in-process bus) events come instead, and nothing is polled', () => {
    expect(resolveResourceGuardConfig({ ...synced, redisUrl: 'redis://127.0.0.1:6379', snapshotPollMs: 2000 }).snapshotPollMs).toBeUndefined();
  });

  it('takes a Redis Cluster or a Sentinel group, and says what is wrong with a multi-host URL', () => {
    expect(resolveResourceGuardConfig({ ...synced, redisUrl: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000' }).redisUrl).toBe('redis+cluster://10.0.0.1:7000,10.0.0.2:7000');
    expect(resolveResourceGuardConfig({ ...synced, redisUrl: 'redis+sentinel://s1:26379,s2:26379/portcullis' }).redisUrl).toBe('redis+sentinel://s1:26379,s2:26379/portcullis');
    expect(() => resolveResourceGuardConfig({ ...synced, redisUrl: 'redis+sentinel://s1:26379' })).toThrow(/redisUrl is not usable: a redis\+sentinel:\/\/ URL names its master group/);
  });

  it('advertises the scopes it is given in its RFC 9728 document, or (unset) every scope of the registry', () => {
    expect(resolveResourceGuardConfig(synced).scopesSupported).toBeUndefined();
    expect(resolveResourceGuardConfig({ ...synced, scopesSupported: ['mcp.tools'] }).scopesSupported).toEqual(['mcp.tools']);
    for (const scopesSupported of [['two words'], [''], 'mcp.tools' as never, [7 as never]]) {
      expect(() => resolveResourceGuardConfig({ ...synced, scopesSupported })).toThrow(/scopesSupported must be a list of scope names/);
    }
  });

  it('external mode needs no client for JWTs, and refuses Redis', () => {
    const external: ResourceGuardOptions = { ...synced, mode: 'external', client: undefined };
    expect(resolveResourceGuardConfig(external).authServerMode).toBe('external');
    expect(() => resolveResourceGuardConfig({ ...external, redisUrl: 'redis://127.0.0.1:6379' })).toThrow(/external mode receives no sync events/);
    expect(() => resolveResourceGuardConfig({ ...external, tokenValidation: 'introspection' })).toThrow(/introspection needs client/);
  });

  it('refuses what the guard could not work with, naming every problem at once', () => {
    const options = { ...synced, issuer: 'auth.example.com', databaseUrl: 'mysql://db/x', redisUrl: 'http://redis', client: undefined, snapshotPollMs: 10 };
    expect(() => resolveResourceGuardConfig(options)).toThrow(
      'Invalid ResourceGuardModule options: issuer must be an http(s) URL; databaseUrl must be a postgres:// URL; redisUrl is not usable: unknown scheme http:// ' +
        '(expected redis://[user:password@]host:port[/db], redis+cluster://host:port[,host:port…] or redis+sentinel://host:port[,host:port…]/<master name>[/db], rediss… for TLS); ' +
        'synced mode needs client (clientId, clientSecret) to load the registry snapshot; snapshotPollMs must be an integer of at least 1000',
    );
    expect(() => resolveResourceGuardConfig({ ...synced, mode: 'other' as never })).toThrow(/mode must be 'synced' or 'external'/);
  });
});
