import { Injectable } from '@nestjs/common';
import { AccessDenied, ConsentRequired, InvalidScope, LoginRequired, TooManyAttempts } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import { ConsentsService } from '../consents/consents.service.js';
import type { SessionOrigin } from '../sessions/browser-session.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { OAuthClientLookup } from '../client-metadata-documents/oauth-client-lookup.js';
import type { Client } from '../clients/client.js';
import { AuthFailureThrottle, type ThrottleTicket } from '../rate-limit/auth-failure-throttle.js';
import { scopesForUser } from '../scopes/privileged-scopes.js';
import { ResourceIndicators } from '../resources/resource-indicators.js';
import { UsersService } from '../users/users.service.js';
import type { User } from '../users/user.js';
import { AuthorizePageError } from './authorize-errors.js';
import type { AuthorizeOutcome } from './authorize-outcome.js';
import { AuthorizationResponder } from './authorization-responder.js';
import { singleValue, type RawQuery } from './checks/query-params.js';
import { redirectUriMatches } from './checks/redirect-uri-matches.js';
import { renderConsentPage } from './pages/consent.page.js';
import { formActionSourceOf } from './pages/page-response.js';
import { renderLoginPage } from './pages/login.page.js';
import type { PendingRequest } from './pending/pending-request.js';
import { PendingRequestsService } from './pending/pending-requests.service.js';
import { validateAuthorizeRequest, type ClientLookup } from './validate-authorize-request.js';
import { InteractionResolver } from './interaction-resolver.js';
import { PushedRequestResolver } from './pushed/pushed-request-resolver.js';
import { SettingsService } from '../settings/settings.service.js';
import { sessionSignsIn } from './session-reuse.js';

/** Deliberately the same for an unknown user, a wrong password and a disabled account. */
export const LOGIN_FAILED = 'Invalid username or password.';
const CONSENT_PATH = '/oauth/authorize/consent';
/** As the users API allows; longer input is refused before the slow KDF runs on it. */
const MAX_PASSWORD_LENGTH = 1024;
const GONE = 'The application or your account is no longer available. Go back to the application and start again.';

export type FormBody = Readonly<Record<string, unknown>>;

/** The browser behind a request: its cookies, and where it is (for the list of sessions). */
export interface BrowserRequest extends SessionOrigin {
  cookieHeader: string | undefined;
  ip: string;
}

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
    private readonly sessions: BrowserSessionsService,
    private readonly consents: ConsentsService,
    private readonly interactions: InteractionResolver,
    private readonly lookup: OAuthClientLookup,
    private readonly resources: ResourceIndicators,
    private readonly pushedRequests: PushedRequestResolver,
    private readonly settings: SettingsService,
  ) {}

  /**
   * The registry's clients, and URL client_ids through their metadata documents: a refused
   * document, or one that does not list the redirect_uri sent, is an error page and stores nothing.
   */
  private requestClients(query: RawQuery): ClientLookup {
    const requested = singleValue(query, 'redirect_uri');
    const acceptsRedirectUris = requested === undefined ? undefined : (uris: readonly string[]) => uris.some((uri) => redirectUriMatches(requested, uri));
    return {
      find: async (clientId) => {
        const found = await this.lookup.find(clientId, { acceptsRedirectUris });
        if ('refused' in found) throw new AuthorizePageError(400, 'Client metadata document refused', `The application's client ID metadata document cannot be used: ${found.refused}.`);
        return found.client;
      },
      scopesOf: (client) => this.clients.scopesOf(client),
    };
  }

  /**
   * A valid request is answered by the browser's session when it can be (single sign-on: no login
   * page; with a remembered consent, no page at all), else by the login page. prompt=none never
   * shows a page: login_required or consent_required instead, by redirect.
   */
  async start(sent: RawQuery, browser: BrowserRequest): Promise<AuthorizeOutcome> {
    const { query, pushed } = await this.pushedRequests.resolve(sent);
    const { requirePushedAuthorizationRequests: requiredGlobally } = await this.settings.get();
    const request = await validateAuthorizeRequest(query, this.requestClients(query), this.resources, { pushed, requiredGlobally });
    const interaction = await this.interactions.resolve(query, request);
    const session = await this.sessions.current(browser.cookieHeader);
    const sessionUser = session && (await this.users.findById(session.userId));
    const hintMatches = interaction.hint === null || interaction.hint.sub === sessionUser?.username;
    if (!sessionUser?.active || !sessionSignsIn(session, interaction, hintMatches, new Date())) {
      if (interaction.prompt.includes('none')) throw this.interactions.redirectError(request, new LoginRequired());
      const { pending, cookie } = await this.pendingRequests.open(request, browser.ip, { prompt: interaction.prompt });
      const html = renderLoginPage({ clientLabel: labelOf(request.client), csrfToken: pending.csrfToken, username: interaction.loginHint ?? undefined });
      // A login may answer with the redirect itself (remembered consent): Chrome applies form-action to it.
      return { kind: 'page', status: 200, html, cookies: [cookie], formActions: [formActionSourceOf(request.redirectUri)] };
    }
    const signedIn = { prompt: interaction.prompt, signedIn: { userId: sessionUser.id, authTime: session.authenticatedAt } };
    const draft = this.pendingRequests.draft(request, signedIn);
    const refused = await this.privilegeRefusal(request.client, draft, sessionUser);
    if (refused) return { kind: 'redirect', status: 302, location: this.responder.refusal(draft, refused) };
    const remembered = await this.consentRemembered(draft, request.client, sessionUser);
    if (remembered && !interaction.prompt.includes('consent')) {
      return { kind: 'redirect', status: 302, location: await this.approve(draft, request.client, sessionUser, false) };
    }
    if (interaction.prompt.includes('none')) throw this.interactions.redirectError(request, new ConsentRequired());
    const { pending, cookie } = await this.pendingRequests.open(request, browser.ip, signedIn);
    return { ...(await this.consentPage(pending, request.client, sessionUser)), cookies: [cookie] };
  }

  async signIn(body: FormBody, browser: BrowserRequest): Promise<AuthorizeOutcome> {
    const { cookieHeader, ip } = browser;
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
      return { kind: 'page', status: 401, html, formActions: [formActionSourceOf(pending.redirectUri)] };
    }
    await ticket.succeeded();
    this.audit.record({ action: 'login.succeeded', actor: { type: 'user', id: user.username }, targetType: 'user', targetId: user.id, details: { via: 'authorize', clientId: client.clientId } });
    // A privileged scope asked for by a user without its permission ends the request here.
    const refused = await this.privilegeRefusal(client, pending, user);
    if (refused) {
      if (!(await this.pendingRequests.finish(pending))) throw new AuthorizePageError(400, 'Request expired', 'This request was already answered.');
      return { kind: 'redirect', status: 303, location: this.responder.refusal(pending, refused), cookies: [this.pendingRequests.clearCookie()] };
    }
    // A new session under a new handle at every login (no fixation); the browser's old one ends.
    const { session, cookie: sessionCookie } = await this.sessions.start(user.id, cookieHeader, browser);
    // 303, not 307: the browser must not re-post the password anywhere (RFC 9700 §4.12).
    if (!pending.prompt.includes('consent') && (await this.consentRemembered(pending, client, user))) {
      if (!(await this.pendingRequests.finish(pending))) throw new AuthorizePageError(400, 'Request expired', 'This request was already answered.');
      const location = await this.approve({ ...pending, userId: user.id, authTime: session.authenticatedAt }, client, user, false);
      return { kind: 'redirect', status: 303, location, cookies: [this.pendingRequests.clearCookie(), sessionCookie] };
    }
    const cookie = await this.pendingRequests.signIn(pending, user.id, session.authenticatedAt);
    return { kind: 'redirect', status: 303, location: CONSENT_PATH, cookies: [cookie, sessionCookie] };
  }

  async showConsent(cookieHeader: string | undefined): Promise<AuthorizeOutcome> {
    const pending = await this.pendingRequests.current(cookieHeader);
    const client = await this.liveClient(pending);
    if (!pending.userId) return { kind: 'page', status: 200, html: renderLoginPage({ clientLabel: labelOf(client), csrfToken: pending.csrfToken }) };
    return this.consentPage(pending, client, await this.liveUser(pending.userId));
  }

  private async consentPage(pending: PendingRequest, client: Client, user: User): Promise<AuthorizeOutcome & { kind: 'page' }> {
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
    if (body.decision !== 'allow') return { kind: 'redirect', status: 303, location: this.responder.refusal(pending, new AccessDenied('the user denied the request')), cookies };
    return { kind: 'redirect', status: 303, location: await this.approve(pending, client, user, true), cookies };
  }

  /**
   * The answer to an allowed request (the consent post, or a consent remembered): the client's
   * scopes and the user's permissions are checked again; an allowed consent is remembered.
   */
  private async approve(pending: PendingRequest, client: Client, user: User, remember: boolean): Promise<string> {
    const associated = await this.clients.associatedScopesOf(client);
    if (!pending.scopes.every((scope) => associated.some((still) => still.name === scope))) {
      return this.responder.refusal(pending, new InvalidScope('the requested scope is no longer allowed for this client'));
    }
    let scopes: string[];
    try {
      scopes = scopesForUser(pending.scopes, associated, user.permissions, pending.scopeRequested ? 'refuse' : 'drop');
    } catch (error) {
      if (error instanceof InvalidScope) return this.responder.refusal(pending, error);
      throw error;
    }
    if (remember) await this.consents.remember(user.id, client.id, scopes);
    return this.responder.respond({ ...pending, scopes }, client, user);
  }

  /** Whether the user already allowed this client every scope the request would give them. */
  private async consentRemembered(pending: PendingRequest, client: Client, user: User): Promise<boolean> {
    const scopes = scopesForUser(pending.scopes, await this.clients.associatedScopesOf(client), user.permissions, 'drop');
    return this.consents.covers(user.id, client.id, scopes);
  }

  /** The client may have been disabled, or the redirect URI unregistered, since the request started. */
  private async liveClient(pending: PendingRequest): Promise<Client> {
    const client = await this.lookup.client(pending.clientId);
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

/** How the consent page names the client (CONTRACT.md): "Name (Version)". */
function labelOf(client: Client): string {
  return `${client.name} (${client.version})`;
}
