import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { eventually, redisServerAvailable, TestRedis } from '#testing';
import { startStackAuthServer } from '../support/stack-harness.js';
import type { RunningAuthServer } from '../../apps/auth-server/test/support/auth-server-harness.js';
import { adminOk, clientCredentialsToken, createStackClient } from '../../apps/auth-server/test/support/test-clients.js';
import { startTestResourceServer, type RunningResourceServer } from '../../apps/resource-server/test/support/resource-server-harness.js';
import { probe } from '../../apps/resource-server/test/support/probe.js';

jest.setTimeout(90_000);

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const READER_PASSWORD = `reader-${randomBytes(8).toString('hex')}`;

/**
 * REDIS_URL with a password (requirepass) for the auth server and an ACL user for the resource
 * server, against a real redis-server of our own; wrong credentials stop the boot with a clear
 * message instead of an app that starts and never syncs (issue 12, item 3).
 */
(redisServerAvailable() ? describe : describe.skip)('Redis with requirepass and an ACL user', () => {
  const stream = `portcullis:test:credentials:${randomBytes(6).toString('hex')}`;
  let redis: TestRedis;
  let as: RunningAuthServer;
  let rs: RunningResourceServer;
  const at = (credentials: string) => `redis://${credentials}@127.0.0.1:${redis.port}`;

  beforeAll(async () => {
    redis = await TestRedis.start(['--requirepass', PASSWORD, '--user', 'rs-reader', 'on', `>${READER_PASSWORD}`, '~portcullis:*', '&*', '+@all']);
  });

  afterAll(async () => {
    await rs?.close();
    await as?.close();
    await redis?.stop();
  });

  it('carries a change end to end with the password and the ACL user from REDIS_URL', async () => {
    as = await startStackAuthServer({ redisUrl: at(`:${PASSWORD}`), syncStream: stream });
    rs = await startTestResourceServer({ issuer: as.baseUrl, env: { SYNC_STREAM: stream }, overrides: { redisUrl: at(`rs-reader:${READER_PASSWORD}`) } });
    await rs.waitUntilReady(20_000);
    const client = await createStackClient(as, 'Credentials');
    const token = await clientCredentialsToken(as, client);
    await eventually(async () => (await probe(rs, token)).status === 200, 10_000, 'the new client to reach the resource server');
    await adminOk(as, 'PATCH', `/admin/v1/clients/${client.clientId}`, { active: false });
    await eventually(async () => (await probe(rs, token)).status === 401, 10_000, 'the deactivation to reach the resource server');
  });

  it('stops the resource server at boot when Redis refuses its password, without printing it', async () => {
    const failure = startTestResourceServer({ issuer: as.baseUrl, env: { SYNC_STREAM: stream }, overrides: { redisUrl: at('rs-reader:not-the-password') } });
    await expect(failure).rejects.toThrow(/Redis at redis:\/\/rs-reader:\*\*\*@127\.0\.0\.1:\d+\/? refused the credentials in REDIS_URL \(WRONGPASS/);
    await expect(failure).rejects.not.toThrow(/not-the-password/);
  });

  it('stops the auth server at boot when REDIS_URL has no password and Redis requires one', async () => {
    await expect(startStackAuthServer({ redisUrl: at('').replace('@', ''), syncStream: stream })).rejects.toThrow(
      /refused the credentials in REDIS_URL \(NOAUTH/,
    );
  });
});
