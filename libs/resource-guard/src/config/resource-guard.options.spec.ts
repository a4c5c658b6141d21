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

  it('external mode needs no client for JWTs, and refuses Redis', () => {
    const external: ResourceGuardOptions = { ...synced, mode: 'external', client: undefined };
    expect(resolveResourceGuardConfig(external).authServerMode).toBe('external');
    expect(() => resolveResourceGuardConfig({ ...external, redisUrl: 'redis://127.0.0.1:6379' })).toThrow(/external mode receives no sync events/);
    expect(() => resolveResourceGuardConfig({ ...external, tokenValidation: 'introspection' })).toThrow(/introspection needs client/);
  });

  it('refuses what the guard could not work with, naming every problem at once', () => {
    const options = { ...synced, issuer: 'auth.example.com', databaseUrl: 'mysql://db/x', redisUrl: 'http://redis', client: undefined, snapshotPollMs: 10 };
    expect(() => resolveResourceGuardConfig(options)).toThrow(
      'Invalid ResourceGuardModule options: issuer must be an http(s) URL; databaseUrl must be a postgres:// URL; redisUrl must be a redis:// URL; ' +
        'synced mode needs client (clientId, clientSecret) to load the registry snapshot; snapshotPollMs must be an integer of at least 1000',
    );
    expect(() => resolveResourceGuardConfig({ ...synced, mode: 'other' as never })).toThrow(/mode must be 'synced' or 'external'/);
  });
});
