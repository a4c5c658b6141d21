/** A signed-in browser (single sign-on): what the console lists and what authorize relies on. */
export interface BrowserSession {
  id: string;
  userId: string;
  createdAt: Date;
  /** When the user last typed their password in this browser (OIDC auth_time, max_age). */
  authenticatedAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** Where a login came from, for the admin's list of sessions. */
export interface SessionOrigin {
  userAgent: string | null;
  ip: string | null;
}
