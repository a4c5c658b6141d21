import type { FastifyReply } from 'fastify';
import type { AuthorizeOutcome } from '../authorize-outcome.js';

/**
 * Headers of every authorization page: no framing (RFC 9700 §4.16, clickjacking), no Referer
 * carrying codes or state (§4.2.4), no caching of pages with CSRF tokens. Forms post only to this
 * server, plus, on the consent page, the client's redirect origin: Chrome applies form-action to
 * the redirect that follows a form post.
 */
export function pageSecurityHeaders(extraFormActions: string[] = []): Record<string, string> {
  const formAction = ["'self'", ...extraFormActions].join(' ');
  return {
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
  };
}

export interface PageOptions {
  status?: number;
  cookies?: string[];
  formActions?: string[];
  headers?: Record<string, string>;
}

export function sendPage(reply: FastifyReply, html: string, options: PageOptions = {}): void {
  reply.status(options.status ?? 200).headers({ ...pageSecurityHeaders(options.formActions), ...options.headers });
  if (options.cookies?.length) reply.header('set-cookie', options.cookies);
  void reply.type('text/html; charset=utf-8').send(html);
}

/** Redirects carry the same headers: the Location may hold a code or state. */
export function sendRedirect(reply: FastifyReply, status: 302 | 303, location: string, cookies: string[] = []): void {
  reply.status(status).headers(pageSecurityHeaders()).header('location', location);
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  void reply.send();
}

/** Writes out what a step of the authorization (or logout) flow answered. */
export function sendOutcome(reply: FastifyReply, outcome: AuthorizeOutcome): void {
  if (outcome.kind === 'redirect') return sendRedirect(reply, outcome.status, outcome.location, outcome.cookies);
  return sendPage(reply, outcome.html, outcome);
}

/** The CSP source that lets a form's redirect reach the client: its origin, or its scheme. */
export function formActionSourceOf(redirectUri: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(redirectUri)?.[1].toLowerCase() ?? '';
  if (scheme === 'http' || scheme === 'https') return new URL(redirectUri).origin;
  return `${scheme}:`;
}
