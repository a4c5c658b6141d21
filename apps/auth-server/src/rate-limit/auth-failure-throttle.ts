import { Injectable } from '@nestjs/common';
import { TooManyAttempts } from '#oauth';
import { AuthFailuresRepository, type ThrottlePolicy } from './auth-failures.repository.js';
import { FailureKeysView } from './failure-keys-view.js';

/** SECURITY-CHECKLIST TC-10, PW-2: 10 failures in 5 minutes lock that pair out for 60 s. */
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { maxFailures: 10, windowSeconds: 300, lockoutSeconds: 60 };

/**
 * What is throttled: a client id or a username, always together with the caller's IP, so that
 * nobody can lock a victim out everywhere by failing on purpose (KC GHSA-cq42-vhv7-xr7p).
 */
export interface ThrottleSubject {
  /** user_code: guesses at the /device page (RFC 8628 §5.1), per IP (name ''). */
  kind: 'client' | 'login' | 'user_code';
  name: string;
  ip: string;
}

/** A pass from check(): report the outcome of the attempt to it. */
export interface ThrottleTicket {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

/**
 * Throttles failed client authentications and logins (table auth_failures, shared by every
 * instance). Usage: `const ticket = await throttle.check(subject)` (or `reserve` for passwords;
 * both throw 429 while locked), then `ticket.failed()` or `ticket.succeeded()`.
 */
@Injectable()
export class AuthFailureThrottle {
  private policy = DEFAULT_THROTTLE_POLICY;

  constructor(
    private readonly repository: AuthFailuresRepository,
    private readonly view: FailureKeysView,
  ) {}

  /**
   * Cheap variant for client secrets (256 random bits: a race of a few guesses gains nothing).
   * A name+IP without any failure on record (FailureKeysView) costs no DB round trip.
   */
  async check(subject: ThrottleSubject): Promise<ThrottleTicket> {
    const key = keyOf(subject);
    const { lockedForSeconds, recorded } = this.view.mayHave(key) === false ? { lockedForSeconds: 0, recorded: false } : await this.repository.state(key);
    if (lockedForSeconds > 0) throw new TooManyAttempts(lockedForSeconds);
    return {
      failed: async () => {
        this.view.added(key);
        await this.repository.recordFailure(key, this.policy);
      },
      // Success clears the count; skipped when nothing is recorded (no write on the hot path).
      succeeded: async () => {
        if (recorded) await this.repository.clear(key);
      },
    };
  }

  /**
   * Pessimistic variant for human passwords (PW-2): the attempt is counted before the password is
   * checked, so N parallel guesses cannot all pass a check made before any failure was recorded.
   * `failed()` is then a no-op; `succeeded()` clears the count.
   */
  async reserve(subject: ThrottleSubject): Promise<ThrottleTicket> {
    return this.reserved(subject, (key) => this.repository.clear(key));
  }

  /**
   * Pessimistic, for guesses at a short code that others also enter rightly (user codes, RFC 8628
   * §5.1): counted before the lookup as reserve() does, but a right one only takes its own count
   * back, so right codes cost nothing and never reset the wrong ones (a phisher's own valid code
   * interleaved with guesses must not clear the count).
   */
  async reserveGuess(subject: ThrottleSubject): Promise<ThrottleTicket> {
    return this.reserved(subject, (key) => this.repository.refundAttempt(key));
  }

  private async reserved(subject: ThrottleSubject, onSuccess: (key: string) => Promise<void>): Promise<ThrottleTicket> {
    const key = keyOf(subject);
    // The row exists from now on: check() on this instance must not skip it (FailureKeysView).
    this.view.added(key);
    const waitSeconds = await this.repository.reserveAttempt(key, this.policy);
    if (waitSeconds > 0) throw new TooManyAttempts(waitSeconds);
    return { failed: async () => undefined, succeeded: () => onSuccess(key) };
  }

  /** Tests shorten the lockout through this. */
  usePolicy(policy: ThrottlePolicy): void {
    this.policy = policy;
  }
}

function keyOf({ kind, name, ip }: ThrottleSubject): string {
  return `${kind}:${kind === 'login' ? name.toLowerCase() : name}|${ip}`;
}
