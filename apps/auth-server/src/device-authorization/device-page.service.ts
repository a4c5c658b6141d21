import { Inject, Injectable } from '@nestjs/common';
import { InvalidScope, TooManyAttempts } from '#oauth';
import { AuditWriter } from '../audit/audit-writer.js';
import { generateOpaqueValue, hashOpaqueValue } from '../common/opaque-value.js';
import { AuthorizePageError } from '../authorize/authorize-errors.js';
import type { AuthorizeOutcome } from '../authorize/authorize-outcome.js';
import type { BrowserRequest, FormBody } from '../authorize/authorize.service.js';
import { csrfTokenMatches } from '../authorize/pending/csrf.js';
import type { Client } from '../clients/client.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import { readCookie } from '../common/cookies.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { AuthFailureThrottle, type ThrottleSubject, type ThrottleTicket } from '../rate-limit/auth-failure-throttle.js';
import { scopesForUser } from '../scopes/privileged-scopes.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import type { User } from '../users/user.js';
import { UsersService } from '../users/users.service.js';
import type { DeviceRequest } from '../device-requests/device-request.js';
import { DeviceRequestsRepository } from '../device-requests/device-requests.repository.js';
import { renderDeviceConfirmPage, renderDeviceDonePage, renderDeviceLoginPage, renderUserCodePage } from './pages/device-pages.js';
import { normalizeUserCode } from './user-code.js';

/** Double-submit CSRF for the code form: this cookie and the form's field must match (the later forms carry the page handle). */
const CSRF_COOKIE = 'portcullis_device_csrf';
const WRONG_CODE = 'That code is not valid. Check the code on your device and try again.';
const LOGIN_FAILED = 'Invalid username or password.';
const GONE = 'This request has expired or was already answered. Start again on your device.';
const MAX_PASSWORD_LENGTH = 1024;

/**
 * The /device pages (RFC 8628 §3.3): enter the user code (rate limited per IP, every guess
 * counted, a wrong one audited), sign in unless the browser's session already signs the user in,
 * then approve or deny, having seen the client, the scopes and the device's IP and user agent.
 * A code that was entered rightly is swapped for a random page handle bound to the browser's CSRF
 * cookie, so the later steps need no second guess of the code, and neither another browser nor a
 * cross-site form can post them.
 */
@Injectable()
export class DevicePageService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly repository: DeviceRequestsRepository,
    private readonly clients: ClientAuthenticator,
    private readonly users: UsersService,
    private readonly sessions: BrowserSessionsService,
    private readonly throttle: AuthFailureThrottle,
    private readonly audit: AuditWriter,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
  ) {
    this.secureCookies = config.issuer.startsWith('https:');
  }

  /** GET /device[?user_code=…]: the code form, pre-filled from verification_uri_complete; a second tab keeps the first one's cookie. */
  start(userCode: unknown, cookieHeader: string | undefined): AuthorizeOutcome {
    const kept = readCookie(cookieHeader, CSRF_COOKIE);
    const csrfToken = kept && /^[A-Za-z0-9_-]{43}$/.test(kept) ? kept : generateOpaqueValue();
    const prefill = typeof userCode === 'string' ? userCode.slice(0, 16) : undefined;
    return { kind: 'page', status: 200, html: renderUserCodePage({ csrfToken, userCode: prefill }), cookies: [this.csrfCookie(csrfToken)] };
  }

  /** POST /device: the typed code. */
  async enterCode(body: FormBody, browser: BrowserRequest): Promise<AuthorizeOutcome> {
    const csrfToken = readCookie(browser.cookieHeader, CSRF_COOKIE);
    if (!csrfToken || !csrfTokenMatches(body.csrf_token, csrfToken)) throw new AuthorizePageError(403, 'Request refused', 'The form expired. Open the page again.');
    // Counted before the lookup; a right code takes back only its own count (reserveGuess).
    const ticket = await throttled({ kind: 'user_code', name: '', ip: browser.ip }, (subject) => this.throttle.reserveGuess(subject));
    const userCode = normalizeUserCode(body.user_code);
    const handle = generateOpaqueValue();
    const request = userCode ? await this.repository.claimByUserCode(hashOpaqueValue(userCode), handleKey(handle, csrfToken)) : null;
    if (!request) {
      this.audit.record({ action: 'device.user_code.failed', targetType: 'device_request', details: { ip: browser.ip } });
      const typed = typeof body.user_code === 'string' ? body.user_code.slice(0, 16) : undefined;
      return { kind: 'page', status: 400, html: renderUserCodePage({ csrfToken, userCode: typed, error: WRONG_CODE }) };
    }
    await ticket.succeeded();
    const client = await this.liveClient(request);
    const user = await this.sessionUser(browser.cookieHeader);
    if (!user) return { kind: 'page', status: 200, html: renderDeviceLoginPage({ handle, clientLabel: labelOf(client) }) };
    return this.confirmPage(handle, request, client, user);
  }

  /** POST /device/login. */
  async signIn(body: FormBody, browser: BrowserRequest): Promise<AuthorizeOutcome> {
    const { handle, request } = await this.pending(body, browser.cookieHeader);
    const client = await this.liveClient(request);
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const ticket = await throttled({ kind: 'login', name: username, ip: browser.ip }, (subject) => this.throttle.reserve(subject));
    const user = username && password && password.length <= MAX_PASSWORD_LENGTH ? await this.users.authenticate(username, password) : null;
    if (!user) {
      this.audit.record({ action: 'login.failed', targetType: 'user', targetId: username || null, details: { via: 'device', clientId: client.clientId } });
      await ticket.failed();
      return { kind: 'page', status: 401, html: renderDeviceLoginPage({ handle, clientLabel: labelOf(client), username, error: LOGIN_FAILED }) };
    }
    await ticket.succeeded();
    this.audit.record({ action: 'login.succeeded', actor: { type: 'user', id: user.username }, targetType: 'user', targetId: user.id, details: { via: 'device', clientId: client.clientId } });
    const { cookie } = await this.sessions.start(user.id, browser.cookieHeader, browser);
    const page = await this.confirmPage(handle, request, client, user);
    return { ...page, cookies: [cookie] };
  }

  /** POST /device/decision: approve or deny, by the user the browser's session names. */
  async decide(body: FormBody, browser: BrowserRequest): Promise<AuthorizeOutcome> {
    const { request } = await this.pending(body, browser.cookieHeader);
    const client = await this.liveClient(request);
    const session = await this.sessions.current(browser.cookieHeader);
    const user = session && (await this.users.findById(session.userId));
    if (!session || !user?.active) throw new AuthorizePageError(403, 'Request refused', 'Sign in before answering the request.');
    const details = { clientId: client.clientId, deviceRequestId: request.id };
    if (body.decision !== 'approve') {
      if (!(await this.repository.answer(request.id, { status: 'denied', refusal: 'access_denied' }))) throw new AuthorizePageError(400, 'Request expired', GONE);
      this.audit.record({ action: 'device.denied', actor: { type: 'user', id: user.username }, targetType: 'device_request', targetId: request.id, details });
      return { kind: 'page', status: 200, html: renderDeviceDonePage(false) };
    }
    const scopes = await this.grantableScopes(request, client, user);
    if (!scopes) {
      // CONTRACT "Precisions": a privileged scope the device named explicitly is refused (invalid_scope), not dropped.
      await this.repository.answer(request.id, { status: 'denied', refusal: 'invalid_scope' });
      this.audit.record({ action: 'device.denied', actor: { type: 'user', id: user.username }, targetType: 'device_request', targetId: request.id, details: { ...details, reason: 'invalid_scope' } });
      throw new AuthorizePageError(403, 'Permission missing', 'The device asked for a permission your account does not have. The request was denied.');
    }
    if (!(await this.repository.answer(request.id, { status: 'approved', userId: user.id, scopes, authTime: session.authenticatedAt }))) {
      throw new AuthorizePageError(400, 'Request expired', GONE);
    }
    this.audit.record({ action: 'device.approved', actor: { type: 'user', id: user.username }, targetType: 'device_request', targetId: request.id, details: { ...details, scopes } });
    return { kind: 'page', status: 200, html: renderDeviceDonePage(true) };
  }

  private async confirmPage(handle: string, request: DeviceRequest, client: Client, user: User): Promise<AuthorizeOutcome & { kind: 'page' }> {
    // What the user would get: a privileged scope they lack, implied by "all scopes", is left out.
    const scopes = scopesForUser(request.scopes, await this.clients.associatedScopesOf(client), user.permissions, 'drop');
    const html = renderDeviceConfirmPage({
      handle,
      clientLabel: labelOf(client),
      username: user.username,
      scopes,
      deviceIp: request.deviceIp,
      deviceUserAgent: request.deviceUserAgent,
      requestedAt: request.createdAt,
    });
    return { kind: 'page', status: 200, html };
  }

  /** The scopes an approval grants (still associated; privileged ones per CONTRACT), or null when refused. */
  private async grantableScopes(request: DeviceRequest, client: Client, user: User): Promise<string[] | null> {
    const associated = await this.clients.associatedScopesOf(client);
    const still = request.scopes.filter((scope) => associated.some((entry) => entry.name === scope));
    try {
      return scopesForUser(still, associated, user.permissions, request.scopeRequested ? 'refuse' : 'drop');
    } catch (error) {
      if (error instanceof InvalidScope) return null;
      throw error;
    }
  }

  /** The request the form's page handle stands for, in the browser that entered the code (its CSRF cookie). */
  private async pending(body: FormBody, cookieHeader: string | undefined): Promise<{ handle: string; request: DeviceRequest }> {
    const csrfToken = readCookie(cookieHeader, CSRF_COOKIE);
    if (!csrfToken) throw new AuthorizePageError(403, 'Request refused', 'The form expired. Open the page again.');
    const handle = typeof body.handle === 'string' && body.handle.length <= 64 ? body.handle : '';
    const request = handle ? await this.repository.findPendingByHandle(handleKey(handle, csrfToken)) : null;
    if (!request) throw new AuthorizePageError(400, 'Request expired', GONE);
    return { handle, request };
  }

  private async liveClient(request: DeviceRequest): Promise<Client> {
    const client = await this.clients.find(request.clientId);
    if (!client || !client.active || client.id !== request.clientRef) throw new AuthorizePageError(400, 'Application unavailable', GONE);
    return client;
  }

  /** The user the browser's session (single sign-on) signs in, if any and still active. */
  private async sessionUser(cookieHeader: string | undefined): Promise<User | null> {
    const session = await this.sessions.current(cookieHeader);
    const user = session && (await this.users.findById(session.userId));
    return user?.active ? user : null;
  }

  private csrfCookie(value: string): string {
    const parts = [`${CSRF_COOKIE}=${value}`, 'Path=/device', 'HttpOnly', 'SameSite=Strict', 'Max-Age=3600'];
    if (this.secureCookies) parts.push('Secure');
    return parts.join('; ');
  }
}

/** The throttle speaks OAuth JSON errors; the browser gets a page with the same 429 and Retry-After. */
async function throttled(subject: ThrottleSubject, reserve: (subject: ThrottleSubject) => Promise<ThrottleTicket>): Promise<ThrottleTicket> {
  try {
    return await reserve(subject);
  } catch (error) {
    if (error instanceof TooManyAttempts) throw new AuthorizePageError(429, 'Too many attempts', 'Too many attempts. Wait a minute and try again.', error.headers);
    throw error;
  }
}

/**
 * What is stored for a page handle: bound to the browser's CSRF cookie (SameSite=Strict), so a
 * handle obtained in one browser is useless posted from another, or cross-site (no login CSRF).
 */
function handleKey(handle: string, csrfToken: string): string {
  return hashOpaqueValue(`${handle}.${csrfToken}`);
}

function labelOf(client: Client): string {
  return `${client.name} (${client.version})`;
}
