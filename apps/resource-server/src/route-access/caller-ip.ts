import type { IncomingHttpHeaders } from 'node:http';

/**
 * Forward auth: the address of the client the proxy serves, which the proxy describes (it is
 * already trusted to describe the request): X-Real-IP (nginx `proxy_set_header X-Real-IP
 * $remote_addr`), else the last X-Forwarded-For entry (the one the proxy appended; earlier ones
 * came from the client and may be forged), else the proxy's own address. Used only to count
 * failed Basic client credentials.
 */
export function forwardedCallerIp(headers: IncomingHttpHeaders, connectionIp: string): string {
  const realIp = headers['x-real-ip'];
  if (typeof realIp === 'string' && realIp.trim() !== '') return realIp.trim().slice(0, 64);
  const forwardedFor = headers['x-forwarded-for'];
  const list = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = list?.split(',').at(-1)?.trim();
  return last ? last.slice(0, 64) : connectionIp;
}
