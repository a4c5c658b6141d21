/**
 * What REDIS_URL names: one Redis server, a Redis Cluster, or a master watched by Sentinels.
 *
 * - `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS): one server (ioredis's own URL).
 * - `redis+cluster://[user:password@]host:port[,host:port…]`, `rediss+cluster://…`: seed nodes of a
 *   Redis Cluster; the client learns the others (and the slot map) from them. No database number:
 *   a cluster has only database 0.
 * - `redis+sentinel://[user:password@]host:port[,host:port…]/<master name>[/db]`,
 *   `rediss+sentinel://…`: the Sentinels, and the name of the master group they watch. The
 *   credentials are the data nodes'; Sentinels with a password of their own take
 *   `?sentinelPassword=…` (and `sentinelUsername=…`). TLS applies to the data nodes and the
 *   Sentinels alike.
 *
 * The multi-host forms follow redis-py's and Lettuce's `redis+sentinel://` and the comma list of
 * node-redis/ioredis seed nodes; WHATWG URL cannot parse a comma list of host:port, so they are
 * parsed here.
 */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

interface RedisCredentials {
  username?: string;
  password?: string;
  tls: boolean;
}

export type RedisEndpoint =
  | { mode: 'standalone'; url: string }
  | ({ mode: 'cluster'; nodes: RedisNodeAddress[] } & RedisCredentials)
  | ({
      mode: 'sentinel';
      sentinels: RedisNodeAddress[];
      masterName: string;
      db: number;
      sentinelUsername?: string;
      sentinelPassword?: string;
    } & RedisCredentials);

/** REDIS_URL cannot be used; the message says why and shows the accepted forms. */
export class RedisUrlError extends Error {
  constructor(problem: string) {
    super(
      `${problem} (expected redis://[user:password@]host:port[/db], redis+cluster://host:port[,host:port…] or redis+sentinel://host:port[,host:port…]/<master name>[/db], rediss… for TLS)`,
    );
    this.name = 'RedisUrlError';
  }
}

const DEFAULT_PORT = { cluster: 6379, sentinel: 26379 } as const;
const MULTI_HOST = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;
const SENTINEL_QUERY = new Set(['sentinelUsername', 'sentinelPassword']);

export function parseRedisUrl(url: string): RedisEndpoint {
  if (/^rediss?:\/\//.test(url)) return { mode: 'standalone', url: checkedStandaloneUrl(url) };
  const match = MULTI_HOST.exec(url);
  if (!match) throw new RedisUrlError(/^[a-z+]+:\/\//i.test(url) ? `unknown scheme ${url.split(':')[0]}://` : 'not a URL');
  const [, scheme, mode, userinfo, hostList, path, query] = match as unknown as [string, string, 'cluster' | 'sentinel', string?, string?, string?, string?];
  const credentials = { ...credentialsOf(userinfo), tls: scheme === 'rediss' };
  const nodes = nodesOf(hostList ?? '', DEFAULT_PORT[mode]);
  const params = new URLSearchParams(query ?? '');
  if (mode === 'cluster') {
    if (path && path !== '/') throw new RedisUrlError('a redis+cluster:// URL has no path (a cluster has only database 0)');
    if (query) throw new RedisUrlError('a redis+cluster:// URL takes no query parameters');
    return { mode, nodes, ...credentials };
  }
  const unknown = [...params.keys()].filter((key) => !SENTINEL_QUERY.has(key));
  if (unknown.length > 0) throw new RedisUrlError(`unknown query parameter ${unknown[0]} (only sentinelUsername, sentinelPassword)`);
  const [masterName, db, ...rest] = (path ?? '').split('/').slice(1).map(decodeURIComponent);
  if (!masterName) throw new RedisUrlError('a redis+sentinel:// URL names its master group: redis+sentinel://host:port/<master name>');
  if (rest.length > 0 || (db !== undefined && !/^\d{1,2}$/.test(db))) throw new RedisUrlError('after the master name only a database number may follow');
  return {
    mode,
    sentinels: nodes,
    masterName,
    db: db === undefined ? 0 : Number(db),
    ...credentials,
    ...(params.get('sentinelUsername') ? { sentinelUsername: params.get('sentinelUsername')! } : {}),
    ...(params.get('sentinelPassword') ? { sentinelPassword: params.get('sentinelPassword')! } : {}),
  };
}

/** Why `value` cannot be used as a Redis URL, or null when it can. */
export function redisUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  try {
    parseRedisUrl(value);
    return null;
  } catch (error) {
    if (error instanceof RedisUrlError) return error.message;
    throw error;
  }
}

/** The URL without its passwords, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@').replace(/([?&]sentinelPassword=)[^&#]*/, '$1***');
}

function checkedStandaloneUrl(url: string): string {
  if (/^rediss?:\/\/[^/?#]*,/.test(url)) throw new RedisUrlError('several hosts need redis+cluster:// or redis+sentinel://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError('not a URL');
  }
  if (!parsed.hostname) throw new RedisUrlError('no host');
  return url;
}

function credentialsOf(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {};
  const colon = userinfo.indexOf(':');
  const username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function nodesOf(hostList: string, defaultPort: number): RedisNodeAddress[] {
  if (hostList.trim() === '') throw new RedisUrlError('no host');
  return hostList.split(',').map((entry) => nodeOf(entry.trim(), defaultPort));
}

function nodeOf(entry: string, defaultPort: number): RedisNodeAddress {
  // [v6::addr]:port, host:port or host
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match) throw new RedisUrlError(`bad host ${JSON.stringify(entry)}`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`bad port in ${JSON.stringify(entry)}`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}
