import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { User } from '../users/user.js';
import { UsersService } from '../users/users.service.js';

/** How long a verified Basic password is taken without running the KDF again. */
const REMEMBER_MS = 60_000;
/** Usernames remembered at once; the oldest go first. */
const MAX_REMEMBERED = 1_000;

interface Remembered {
  digest: Buffer;
  /** The stored hash the password was verified against: a password change forgets it. */
  passwordHash: string;
  expiresAt: number;
}

/**
 * HTTP Basic sends the password with every admin request, and each check is a deliberately slow
 * scrypt run that also counts against the login throttle until it succeeds. An admin tool sending
 * twenty requests at once would lock itself out (429) and queue forty scrypt runs. So, per process:
 * - identical credentials checked at the same time share one check (one throttle reservation);
 * - a password that passed is remembered for a minute as an HMAC under a key that never leaves
 *   this process (never the password itself), together with the stored hash it matched.
 * Only the right password can hit: a guess never matches a remembered digest, so guesses still
 * run the KDF and count against the throttle (SECURITY-CHECKLIST PW-2). A changed password, a
 * deactivated or deleted user is seen at once (the stored row is read on every hit).
 */
@Injectable()
export class RecentBasicLogins {
  private readonly key = randomBytes(32);
  private readonly remembered = new Map<string, Remembered>();
  private readonly inFlight = new Map<string, Promise<User>>();

  constructor(private readonly users: UsersService) {}

  /** The user when this exact password passed within the last minute and still matches. */
  async recall(username: string, password: string): Promise<User | null> {
    const entry = this.remembered.get(username);
    if (!entry || entry.expiresAt <= Date.now() || !timingSafeEqual(entry.digest, this.digest(username, password))) return null;
    const stored = await this.users.findWithPasswordHash(username);
    if (!stored || !stored.user.active || stored.passwordHash !== entry.passwordHash) {
      this.remembered.delete(username);
      return null;
    }
    return stored.user;
  }

  /**
   * Runs `check` (throttle, KDF, audit) once for a set of identical concurrent credentials, and
   * remembers a success. Concurrent callers share its outcome, errors included.
   */
  verifyOnce(username: string, password: string, check: () => Promise<{ user: User; passwordHash: string }>): Promise<User> {
    const digest = this.digest(username, password);
    const flightKey = `${username}\0${digest.toString('base64url')}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) return pending;
    const flight = check()
      .then(({ user, passwordHash }) => {
        this.remember(username, { digest, passwordHash, expiresAt: Date.now() + REMEMBER_MS });
        return user;
      })
      .finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, flight);
    return flight;
  }

  private remember(username: string, entry: Remembered): void {
    this.remembered.delete(username);
    this.remembered.set(username, entry);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
  }

  private digest(username: string, password: string): Buffer {
    return createHmac('sha256', this.key).update(username).update('\0').update(password).digest();
  }
}
