import type { BrowserSession } from '../../sessions/browser-session.js';

/** GET /admin/v1/users/{id}/sessions: one signed-in browser (never its cookie or hash). */
export interface UserSessionResponse {
  id: string;
  userId: string;
  createdAt: string;
  authenticatedAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}

export function toUserSessionResponse(session: BrowserSession): UserSessionResponse {
  return {
    id: session.id,
    userId: session.userId,
    createdAt: session.createdAt.toISOString(),
    authenticatedAt: session.authenticatedAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
  };
}
