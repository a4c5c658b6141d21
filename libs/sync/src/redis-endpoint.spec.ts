import { describe, expect, it } from '@jest/globals';
import { parseRedisUrl, redactRedisUrl, redisUrlProblem, RedisUrlError } from './redis-endpoint.js';

describe(parseRedisUrl.name, () => {
  it('leaves a one-server URL to ioredis as it is', () => {
    expect(parseRedisUrl('rediss://portcullis:s3cret@cache:6380/2')).toEqual({ mode: 'standalone', url: 'rediss://portcullis:s3cret@cache:6380/2' });
  });

  it('reads the seed nodes and credentials of a cluster', () => {
    expect(parseRedisUrl('rediss+cluster://portcullis:p%40ss@10.0.0.1:7000,[::1]:7001,cache')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'cache', port: 6379 },
      ],
      username: 'portcullis',
      password: 'p@ss',
      tls: true,
    });
    expect(parseRedisUrl('redis+cluster://:s3cret@a:7000/')).toEqual({ mode: 'cluster', nodes: [{ host: 'a', port: 7000 }], password: 's3cret', tls: false });
  });

  it("reads the Sentinels, the master group, the database and the Sentinels' own credentials", () => {
    expect(parseRedisUrl('redis+sentinel://:data-pass@s1,s2:26380/my%20master/3?sentinelPassword=sentinel-pass')).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      masterName: 'my master',
      db: 3,
      password: 'data-pass',
      sentinelPassword: 'sentinel-pass',
      tls: false,
    });
  });

  it.each([
    ['', 'not a URL'],
    ['cache:6379', 'not a URL'],
    ['http://cache:6379', 'unknown scheme http://'],
    ['redis+cluster://a:7000,,b:7000', 'bad host ""'],
    ['redis+cluster://a:0', 'bad port in "a:0"'],
    ['redis+cluster://a:7000?tls=1', 'takes no query parameters'],
    ['redis+sentinel://s1/master/x', 'only a database number'],
    ['redis+sentinel://s1/master/1/2', 'only a database number'],
    ['redis+sentinel://s1/master?password=x', 'unknown query parameter password'],
    ['redis://a,b:6379', 'several hosts'],
  ])('refuses %j: %s', (url, problem) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(redisUrlProblem(url)).toContain(problem);
  });
});

describe(redactRedisUrl.name, () => {
  it.each([
    ['redis://user:s3cret@cache:6379/0', 'redis://user:***@cache:6379/0'],
    ['rediss+cluster://:s3cret@a:7000,b:7000', 'rediss+cluster://:***@a:7000,b:7000'],
    ['redis+sentinel://:a@s1,s2/m?sentinelPassword=b', 'redis+sentinel://:***@s1,s2/m?sentinelPassword=***'],
    ['redis://cache:6379', 'redis://cache:6379'],
  ])('hides the passwords of %s', (url, redacted) => {
    expect(redactRedisUrl(url)).toBe(redacted);
  });
});
