import type { IncomingHttpHeaders } from 'node:http';

/** What the gateway knows about the client's connection, for the X-Forwarded-* headers. */
export interface ClientConnection {
  /** The peer address (the resource server trusts no proxy in front of it: trustProxy false). */
  ip: string;
  protocol: 'http' | 'https';
  /** The Host the client sent. */
  host: string | undefined;
}

/** Caller-sent headers the gateway never passes on: it sets its own or they would lie to the upstream. */
const REPLACED = ['authorization', 'forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];
/**
 * Every X-Auth-* a caller sent, not only the four the gateway sets (AUTH_HEADER_NAMES): an
 * upstream may read others (X-Auth-Roles, X-Auth-User) from a previous setup, and only the
 * gateway speaks in that namespace.
 */
const AUTH_NAMESPACE = 'x-auth-';
/**
 * Hop-by-hop (RFC 9110 §7.6.1), for this connection only. `expect` too: Node has already
 * answered 100-continue to the client, and undici refuses to send it (as it refuses `upgrade`).
 */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'];

/**
 * The headers an upstream receives (CONTRACT "Putting real APIs behind the resource server"):
 * the caller's (names lower-case, as Node gives them), without its Authorization and any X-Auth-*
 * it sent, plus the X-Auth-* of the
 * decision (none on a public route) and X-Forwarded-For/-Proto/-Host. The caller's own
 * X-Forwarded-* and Forwarded are replaced, not appended to: nothing in front of the resource
 * server is trusted, so the peer address is the client. Hop-by-hop headers stay on this hop; the
 * caller's Host is left out while copying (it goes on as X-Forwarded-Host), as the HTTP client sets
 * the upstream's from its URL (a `delete` afterwards made the object a slow dictionary).
 */
// Both built by copying what stays (no `delete`, which turns an object into a slow dictionary):
// they run twice per proxied request.
const HOP_BY_HOP_NAMES = new Set(HOP_BY_HOP);
const NOT_PASSED_ON = new Set([...REPLACED, ...HOP_BY_HOP, 'host']);

/** Hop-by-hop headers of an upstream's answer, which are not the client's connection's, and those its Connection header names. */
export function withoutHopByHop<T extends Record<string, unknown>>(headers: T): T {
  return withoutHopByHopInto(headers, {}) as T;
}

/**
 * withoutHopByHop(headers) copied onto `into` (its same names replaced, in place), which is returned:
 * the gateway's response head, the headers this server set first and the upstream's on top, in one object.
 */
export function withoutHopByHopInto(headers: Record<string, unknown>, into: Record<string, unknown>): Record<string, unknown> {
  const listed = connectionListed(headers.connection);
  for (const name of Object.keys(headers)) if (!HOP_BY_HOP_NAMES.has(name) && !listed?.has(name)) into[name] = headers[name];
  return into;
}

export function upstreamHeaders(headers: IncomingHttpHeaders, client: ClientConnection, authHeaders: Record<string, string>): IncomingHttpHeaders {
  const listed = connectionListed(headers.connection);
  const result: IncomingHttpHeaders = {};
  for (const name of Object.keys(headers)) if (!NOT_PASSED_ON.has(name) && !name.startsWith(AUTH_NAMESPACE) && !listed?.has(name)) result[name] = headers[name];
  result['x-forwarded-for'] = client.ip;
  result['x-forwarded-proto'] = client.protocol;
  if (client.host !== undefined) result['x-forwarded-host'] = client.host;
  return Object.assign(result, authHeaders);
}

/** The header names a Connection header lists (RFC 9110 §7.6.1): this hop's too. Null without one. */
function connectionListed(connection: unknown): Set<string> | null {
  if (connection === undefined || connection === null) return null;
  const value = String(connection).toLowerCase();
  // What nearly every request and answer carries: names nothing, without splitting it.
  if (value === 'keep-alive' || value === 'close') return null;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== 'close' && name !== 'keep-alive');
  return names.length === 0 ? null : new Set(names);
}
