import pLimit, { type LimitFunction } from 'p-limit';
import { ServerBusy } from '#errors';

/**
 * Runs at most `slots` tasks at once and lets at most `maxWaiting` more wait for a slot. Past that a
 * task is refused at once with ServerBusy (503 + Retry-After) rather than queued: an unbounded queue
 * lets a burst of logins hold memory and connections for as long as it takes to hash them all, and
 * every login behind it times out anyway.
 */
export class HashingQueue {
  private readonly slotLimit: LimitFunction;
  /** Running or waiting; counted here because p-limit starts tasks a microtask later. */
  private admitted = 0;

  constructor(
    readonly slots: number,
    private maxWaiting: number,
  ) {
    this.slotLimit = pLimit(slots);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.admitted >= this.slots + this.maxWaiting) return Promise.reject(new ServerBusy('the server is busy checking passwords, retry later'));
    this.admitted += 1;
    return this.slotLimit(task).finally(() => {
      this.admitted -= 1;
    });
  }

  limitWaiting(maxWaiting: number): void {
    this.maxWaiting = maxWaiting;
  }

  load(): { running: number; waiting: number } {
    return { running: this.slotLimit.activeCount, waiting: this.slotLimit.pendingCount };
  }
}
