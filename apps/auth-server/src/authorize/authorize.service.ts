import { Injectable } from '@nestjs/common';
import { AccessDenied, InvalidScope, TooManyAttempts, type OAuthError } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import type { Client } from '../clients/client.js';
import { AuthFailureThrottle, type ThrottleTicket } from '../rate-limit/auth-failure-throttle.js';
import { scopesForUser } from '../scopes/privileged-scopes.js';
import { UsersService } from '../users/users.service.js';
import type { User } from '../users/user.js';
import { AuthorizePageError } from './authorize-errors.js';
import type { AuthorizeOutcome } from './authorize-outcome.js';
import { responseModeOf } from './authorize-request.js';
import { redirectWith } from './authorize-redirect.js';
import { AuthorizationResponder } from './authorization-responder.js';
import type { RawQuery } from './checks/query-params.js';
import { redirectUriMatches } from './checks/redirect-uri-matches.js';
import { renderConsentPage } from './pages/consent.page.js';
import { renderLoginPage } from './pages/login.page.js';
import type { PendingRequest } from './pending/pending-request.js';
import { PendingRequestsService } from './pending/pending-requests.service.js';
import { validateAuthorizeRequest } from './validate-authorize-request.js';

/** Deliberately the same for an unknown user, a wrong password and a disabled account. */
export const LOGIN_FAILED = 'Invalid username or password.';
const CONSENT_PATH = '/oauth/authorize/consent';
/** As the users API allows; longer input is refused before the slow KDF runs on it. */
const MAX_PASSWORD_LENGTH = 1024;
const GONE = 'The application or your account is no longer available. Go back to the application and start again.';

export type FormBody = Readonly<Record<string, unknown>>;

/** The authorization endpoint's steps: validate and show login, sign in, show consent, decide. */
@Injectable()
export class AuthorizeService {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly users: UsersService,
    private readonly pendingRequests: PendingRequestsService,
    private readonly responder: AuthorizationResponder,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditWriter,
  ) {}

  async start(query: RawQuery, ip: string): Promise<AuthorizeOutcome> {
    const request = await validateAuthorizeRequest(query, this.clients);
    const { pending, cookie } = await this.pendingRequests.open(request, ip);
    return { kind: 'page', status: 200, html: renderLoginPage({ clientLabel: labelOf(request.client), csrfToken: pending.csrfToken }), cookies: [cookie] };
  }

  async signIn(cookieHeader: string | undefined, body: FormBody, ip: string): Promise<AuthorizeOutcome> {
    const pending = await this.pendingRequests.current(cookieHeader);
    this.pendingRequests.assertCsrf(pending, body.csrf_token);
    const client = await this.liveClient(pending);
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    // Counted before the password is checked: parallel guesses cannot all slip under the limit.
    const ticket = await throttledPage(() => this.throttle.reserve({ kind: 'login', name: username, ip }));
    const user = username && password && password.length <= MAX_PASSWORD_LENGTH ? await this.users.authenticate(username, password) : null;
    if (!user) {
      this.audit.record({ action: 'login.failed', targetType: 'user', targetId: username || null, details: { via: 'authorize', clientId: client.clientId } });
      await ticket.failed();
      const html = renderLoginPage({ clientLabel: labelOf(client), csrfToken: pending.csrfToken, username, error: LOGIN_FAILED });
      return { kind: 'page', status: 401, html };
    }
    await ticket.succeeded();
    this.audit.record({ action: 'login.succeeded', actor: { type: 'user', id: user.username }, targetType: 'user', targetId: user.id, details: { via: 'authorize', clientId: client.clientId } });
    // A privileged scope asked for by a user without its permission ends the request here.
    const refused = await this.privilegeRefusal(client, pending, user);
    if (refused) {
      if (!(await this.pendingRequests.finish(pending))) throw new AuthorizePageError(400, 'Request expired', 'This request was already answered.');
      return { kind: 'redirect', status: 303, location: errorLocation(pending, refused), cookies: [this.pendingRequests.clearCookie()] };
    }
    const cookie = await this.pendingRequests.signIn(pending, user.id);
    // 303, not 307: the browser must not re-post the password anywhere (RFC 9700 §4.12).
    return { kind: 'redirect', status: 303, location: CONSENT_PATH, cookies: [cookie] };
  }

  async showConsent(cookieHeader: string | undefined): Promise<AuthorizeOutcome> {
    const pending = await this.pendingRequests.current(cookieHeader);
    const client = await this.liveClient(pending);
    if (!pending.userId) return { kind: 'page', status: 200, html: renderLoginPage({ clientLabel: labelOf(client), csrfToken: pending.csrfToken }) };
    const user = await this.liveUser(pending.userId);
    // What the user would get; a privileged scope asked for without the permission is refused on "allow".
    const scopes = scopesForUser(pending.scopes, await this.clients.associatedScopesOf(client), user.permissions, 'drop');
    const html = renderConsentPage({ clientLabel: labelOf(client), username: user.username, scopes, csrfToken: pending.csrfToken });
    return { kind: 'page', status: 200, html, formActions: [formActionSourceOf(pending.redirectUri)] };
  }

  async decide(cookieHeader: string | undefined, body: FormBody): Promise<AuthorizeOutcome> {
    const pending = await this.pendingRequests.current(cookieHeader);
    this.pendingRequests.assertCsrf(pending, body.csrf_token);
    if (!pending.userId) throw new AuthorizePageError(403, 'Request refused', 'Sign in before answering the consent page.');
    const client = await this.liveClient(pending);
    const user = await this.liveUser(pending.userId);
    if (!(await this.pendingRequests.finish(pending))) throw new AuthorizePageError(400, 'Request expired', 'This request was already answered.');
    const cookies = [this.pendingRequests.clearCookie()];
    if (body.decision !== 'allow') return { kind: 'redirect', status: 303, location: errorLocation(pending, new AccessDenied('the user denied the request')), cookies };
    const associated = await this.clients.associatedScopesOf(client);
    if (!pending.scopes.every((scope) => associated.some((still) => still.name === scope))) {
      return { kind: 'redirect', status: 303, location: errorLocation(pending, new InvalidScope('the requested scope is no longer allowed for this client')), cookies };
    }
    let scopes: string[];
    try {
      scopes = scopesForUser(pending.scopes, associated, user.permissions, pending.scopeRequested ? 'refuse' : 'drop');
    } catch (error) {
      if (error instanceof InvalidScope) return { kind: 'redirect', status: 303, location: errorLocation(pending, error), cookies };
      throw error;
    }
    const location = await this.responder.respond({ ...pending, scopes }, client, user);
    return { kind: 'redirect', status: 303, location, cookies };
  }

  /** The client may have been disabled, or the redirect URI unregistered, since the request started. */
  private async liveClient(pending: PendingRequest): Promise<Client> {
    const client = await this.clients.find(pending.clientId);
    const usable = client && client.active && client.id === pending.clientRef && client.redirectUris.some((uri) => redirectUriMatches(pending.redirectUri, uri));
    if (!usable) throw new AuthorizePageError(400, 'Application unavailable', GONE);
    return client;
  }

  private async liveUser(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || !user.active) throw new AuthorizePageError(400, 'Account unavailable', GONE);
    return user;
  }

  /** invalid_scope when the request asked for a privileged scope whose permission the user lacks. */
  private async privilegeRefusal(client: Client, pending: PendingRequest, user: User): Promise<InvalidScope | null> {
    if (!pending.scopeRequested) return null;
    try {
      scopesForUser(pending.scopes, await this.clients.associatedScopesOf(client), user.permissions, 'refuse');
      return null;
    } catch (error) {
      if (error instanceof InvalidScope) return error;
      throw error;
    }
  }
}

/** The throttle speaks OAuth JSON errors; a browser gets a page with the same 429 and Retry-After. */
async function throttledPage(check: () => Promise<ThrottleTicket>): Promise<ThrottleTicket> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof TooManyAttempts) throw new AuthorizePageError(429, 'Too many attempts', 'Too many failed sign-in attempts. Wait a minute and try again.', error.headers);
    throw error;
  }
}

function errorLocation(pending: PendingRequest, error: OAuthError): string {
  return redirectWith(pending.redirectUri, responseModeOf(pending.responseType), { error: error.error, error_description: error.description, state: pending.state });
}

/** How the consent page names the client (CONTRACT.md): "Name (Version)". */
function labelOf(client: Client): string {
  return `${client.name} (${client.version})`;
}

/** The CSP source that lets the consent form's redirect reach the client: its origin, or its scheme. */
function formActionSourceOf(redirectUri: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(redirectUri)?.[1].toLowerCase() ?? '';
  if (scheme === 'http' || scheme === 'https') return new URL(redirectUri).origin;
  return `${scheme}:`;
}
