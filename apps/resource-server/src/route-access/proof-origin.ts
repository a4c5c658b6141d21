import type { IncomingHttpHeaders } from 'node:http';

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' && !value.includes(',') ? value.trim() : undefined;
}

/**
 * Forward auth: the scheme and host the client called, as the proxy describes them
 * (X-Forwarded-Proto, X-Forwarded-Host, else the Host it sent): a DPoP proof's `htu` names the
 * proxy's URL, not this server's (CONTRACT "Precisions", DPoP). Only a DPoP-bound request reads it.
 */
export function forwardedOrigin(headers: IncomingHttpHeaders): string {
  const proto = single(headers['x-forwarded-proto']) ?? 'http';
  const host = single(headers['x-forwarded-host']) ?? single(headers.host) ?? '';
  return `${proto}://${host}`;
}
