import { Inject, Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import { generateOpaqueValue, hashOpaqueValue } from '../common/opaque-value.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { SettingsService } from '../settings/settings.service.js';
import type { BrowserSession, SessionOrigin } from './browser-session.js';
import { BrowserSessionsRepository } from './browser-sessions.repository.js';
import { clearSessionCookie, serializeSessionCookie, sessionHandleOf } from './session-cookie.js';

/** The admin's list shows the newest sessions of a user; older ones still work and can be ended by deactivation. */
export const SESSIONS_LISTED_PER_USER = 100;

/**
 * Browser sessions: a login starts one (always under a new handle, so a planted cookie never
 * becomes a signed-in one), authorize reads it for single sign-on, logout and the admin end it.
 * A session counts only while unexpired and while its user is active.
 */
@Injectable()
export class BrowserSessionsService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly repository: BrowserSessionsRepository,
    private readonly settings: SettingsService,
    @Inject(AUTH_SERVER_CONFIG) config: AuthServerConfig,
  ) {
    this.secureCookies = config.issuer.startsWith('https:');
  }

  /** The live session this browser's cookie names, or null (no cookie, unknown, expired, user inactive). */
  async current(cookieHeader: string | undefined): Promise<BrowserSession | null> {
    const handle = sessionHandleOf(cookieHeader);
    if (!handle) return null;
    const session = await this.repository.findLive(hashOpaqueValue(handle));
    if (session) await this.repository.touch(session.id);
    return session;
  }

  /** A new session for a user who just typed their password; the browser's previous one ends. */
  async start(userId: string, cookieHeader: string | undefined, origin: SessionOrigin): Promise<{ session: BrowserSession; cookie: string }> {
    const { sessionLifetimeSeconds } = await this.settings.get();
    const handle = generateOpaqueValue();
    const previous = sessionHandleOf(cookieHeader);
    const session = await this.repository.insert(
      { handleHash: hashOpaqueValue(handle), userId, lifetimeSeconds: sessionLifetimeSeconds, userAgent: origin.userAgent?.slice(0, 512) ?? null, ip: origin.ip },
      previous ? hashOpaqueValue(previous) : null,
    );
    return { session, cookie: serializeSessionCookie(handle, { secure: this.secureCookies, maxAgeSeconds: sessionLifetimeSeconds }) };
  }

  /** Ends this browser's session (logout); returns the session that ended, if any. */
  async end(cookieHeader: string | undefined): Promise<BrowserSession | null> {
    const handle = sessionHandleOf(cookieHeader);
    return handle ? this.repository.deleteByHandle(hashOpaqueValue(handle)) : null;
  }

  clearCookie(): string {
    return clearSessionCookie(this.secureCookies);
  }

  listOfUser(userId: string): Promise<BrowserSession[]> {
    return this.repository.listOfUser(userId, SESSIONS_LISTED_PER_USER);
  }

  /** For the audit trail's view of an ended session. */
  find(sessionId: string): Promise<BrowserSession | null> {
    return this.repository.findById(sessionId);
  }

  endOne(userId: string, sessionId: string): Promise<boolean> {
    return this.repository.deleteOfUser(userId, sessionId);
  }

  /** Inside the transaction that deactivates the user: the sessions end with it or not at all. */
  endAllOfUser(userId: string, tx: Tx): Promise<number> {
    return this.repository.deleteAllOfUser(userId, tx);
  }
}
