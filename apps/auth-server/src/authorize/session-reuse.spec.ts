import { describe, expect, it } from '@jest/globals';
import type { BrowserSession } from '../sessions/browser-session.js';
import { sessionSignsIn } from './session-reuse.js';

const AUTHENTICATED = new Date('2026-01-01T10:00:00Z');
const SESSION: BrowserSession = {
  id: 's',
  userId: 'alice',
  createdAt: AUTHENTICATED,
  authenticatedAt: AUTHENTICATED,
  lastSeenAt: AUTHENTICATED,
  expiresAt: new Date('2026-01-01T18:00:00Z'),
  userAgent: null,
  ip: null,
};
const later = (seconds: number): Date => new Date(AUTHENTICATED.getTime() + seconds * 1000);
const plain = { prompt: [], maxAge: null };

describe(sessionSignsIn.name, () => {
  it('signs in with a session, and never without one', () => {
    expect(sessionSignsIn(SESSION, plain, true, later(60))).toBe(true);
    expect(sessionSignsIn(null, plain, true, later(60))).toBe(false);
  });

  it('asks for a login on prompt=login, whatever the session', () => {
    expect(sessionSignsIn(SESSION, { prompt: ['login'], maxAge: null }, true, later(0))).toBe(false);
    expect(sessionSignsIn(SESSION, { prompt: ['consent'], maxAge: null }, true, later(0))).toBe(true);
  });

  it('asks for a login once max_age seconds have passed since the password was typed; max_age=0 always', () => {
    expect(sessionSignsIn(SESSION, { prompt: [], maxAge: 60 }, true, later(60))).toBe(true);
    expect(sessionSignsIn(SESSION, { prompt: [], maxAge: 60 }, true, later(61))).toBe(false);
    expect(sessionSignsIn(SESSION, { prompt: [], maxAge: 0 }, true, later(0))).toBe(false);
  });

  it('asks for a login when the id_token_hint names another user', () => {
    expect(sessionSignsIn(SESSION, plain, false, later(1))).toBe(false);
  });
});
