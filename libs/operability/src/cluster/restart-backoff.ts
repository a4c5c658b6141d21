/** The first restart of a worker that died waits this long; each quick death again doubles it. */
export const FIRST_RESTART_DELAY_MS = 100;
export const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long before dying counts as healthy: its slot starts again from the first delay. */
export const STABLE_AFTER_MS = 30_000;

/**
 * How long one worker slot waits before its next restart: a worker that dies right after starting
 * (a bad deployment, a database refusing it) is retried ever more slowly instead of in a hot loop,
 * while a worker that ran for a while and then crashed is replaced at once.
 */
export class RestartBackoff {
  private next = this.first;

  constructor(
    private readonly first = FIRST_RESTART_DELAY_MS,
    private readonly max = MAX_RESTART_DELAY_MS,
    private readonly stableAfter = STABLE_AFTER_MS,
  ) {}

  /** The delay before restarting a worker that ran `uptimeMs` (0 if it never started listening). */
  delayAfter(uptimeMs: number): number {
    if (uptimeMs >= this.stableAfter) this.next = this.first;
    const delay = this.next;
    this.next = Math.min(this.next * 2, this.max);
    return delay;
  }
}
