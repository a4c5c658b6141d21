import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../audit/audit-writer.js';
import { hashOpaqueValue } from '../common/opaque-value.js';
import { AuthorizePageError } from '../authorize/authorize-errors.js';
import type { AuthorizeOutcome } from '../authorize/authorize-outcome.js';
import { redirectWith } from '../authorize/authorize-redirect.js';
import { formActionSourceOf } from '../authorize/pages/page-response.js';
import { csrfTokenMatches } from '../authorize/pending/csrf.js';
import { ClientAuthenticator } from '../clients/client-authenticator.js';
import type { BrowserSession } from '../sessions/browser-session.js';
import { BrowserSessionsService } from '../sessions/browser-sessions.service.js';
import { IdTokenHints } from '../sessions/id-token-hints.js';
import { sessionHandleOf } from '../sessions/session-cookie.js';
import { UsersService } from '../users/users.service.js';
import { renderLogoutConfirmationPage, renderSignedOutPage, type LogoutTarget } from './logout.pages.js';

export type LogoutParams = Readonly<Record<string, unknown>>;

/** The parameters of RP-Initiated Logout 1.0 §2 this endpoint reads (ui_locales is ignored). */
const PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state'];
const INVALID = 'This sign-out request is not valid. Go back to the application.';

/**
 * OpenID Connect RP-Initiated Logout 1.0. With an id_token_hint of the signed-in user the session
 * ends at once; otherwise the user confirms (a POST carrying a token derived from the session
 * cookie, which another site cannot read). The browser then goes to the post_logout_redirect_uri,
 * only when registered by the client exactly as sent, with state; or sees a signed-out page.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly sessions: BrowserSessionsService,
    private readonly hints: IdTokenHints,
    private readonly clients: ClientAuthenticator,
    private readonly users: UsersService,
    private readonly audit: AuditWriter,
  ) {}

  async request(params: LogoutParams, cookieHeader: string | undefined): Promise<AuthorizeOutcome> {
    const values = readParameters(params);
    const hint = values.id_token_hint === undefined ? null : await this.hints.read(values.id_token_hint);
    if (values.id_token_hint !== undefined && (!hint || (values.client_id !== undefined && !hint.clientIds.includes(values.client_id)))) {
      throw new AuthorizePageError(400, 'Sign-out refused', INVALID);
    }
    const target = await this.target(values.client_id ?? hint?.clientIds[0] ?? null, values.post_logout_redirect_uri, values.state);
    const session = await this.sessions.current(cookieHeader);
    const user = session && (await this.users.findById(session.userId));
    if (!session || !user) return this.signedOut(target, null);
    if (hint && hint.sub === user.username) return this.signedOut(target, await this.endSession(cookieHeader, target));
    const handle = sessionHandleOf(cookieHeader) ?? '';
    const html = renderLogoutConfirmationPage({ username: user.username, csrfToken: logoutCsrfToken(handle), target });
    return { kind: 'page', status: 200, html, formActions: target.postLogoutRedirectUri ? [formActionSourceOf(target.postLogoutRedirectUri)] : [] };
  }

  async confirm(params: LogoutParams, cookieHeader: string | undefined): Promise<AuthorizeOutcome> {
    const values = readParameters({ ...params, id_token_hint: undefined });
    const handle = sessionHandleOf(cookieHeader);
    if (handle && !csrfTokenMatches(params.csrf_token, logoutCsrfToken(handle))) {
      throw new AuthorizePageError(403, 'Request refused', 'This form was not sent from the page this server showed you, so it was not accepted.');
    }
    const target = await this.target(values.client_id ?? null, values.post_logout_redirect_uri, values.state);
    return this.signedOut(target, await this.endSession(cookieHeader, target));
  }

  /** A redirect only to a URI the named client registered for this, exactly as sent. */
  private async target(clientId: string | null, postLogoutRedirectUri: string | undefined, state: string | undefined): Promise<LogoutTarget> {
    if (postLogoutRedirectUri === undefined) return { clientId, postLogoutRedirectUri: null, state: null };
    const client = clientId === null ? null : await this.clients.find(clientId);
    if (!client?.active || !client.postLogoutRedirectUris.includes(postLogoutRedirectUri)) {
      throw new AuthorizePageError(400, 'Sign-out refused', 'The address to return to is not registered for this application. Go back to the application.');
    }
    return { clientId, postLogoutRedirectUri, state: state ?? null };
  }

  private async endSession(cookieHeader: string | undefined, target: LogoutTarget): Promise<string> {
    const ended: BrowserSession | null = await this.sessions.end(cookieHeader);
    if (ended) this.audit.record({ action: 'session.ended', targetType: 'user', targetId: ended.userId, details: { via: 'logout', clientId: target.clientId } });
    return this.sessions.clearCookie();
  }

  private signedOut(target: LogoutTarget, clearedCookie: string | null): AuthorizeOutcome {
    const cookies = [clearedCookie ?? this.sessions.clearCookie()];
    if (target.postLogoutRedirectUri) return { kind: 'redirect', status: 303, location: redirectWith(target.postLogoutRedirectUri, 'query', { state: target.state }), cookies };
    return { kind: 'page', status: 200, html: renderSignedOutPage(), cookies };
  }
}

/** Derived from the session cookie's secret value: only a page this server rendered can carry it. */
function logoutCsrfToken(sessionHandle: string): string {
  return hashOpaqueValue(`logout:${sessionHandle}`);
}

function readParameters(params: LogoutParams): Partial<Record<(typeof PARAMETERS)[number], string>> {
  const values: Record<string, string> = {};
  for (const name of PARAMETERS) {
    const value = params[name];
    if (Array.isArray(value)) throw new AuthorizePageError(400, 'Sign-out refused', INVALID);
    if (typeof value === 'string' && value !== '') values[name] = value;
  }
  return values;
}
