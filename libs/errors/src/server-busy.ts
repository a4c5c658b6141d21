/**
 * Work refused because a bounded queue is full (password hashing, users/hashing-queue.ts): not a
 * fault of the request nor a bug, so every renderer answers 503 with Retry-After in its own style
 * (OAuth `temporarily_unavailable`, a problem document, an error page).
 */
export class ServerBusy extends Error {
  constructor(
    readonly detail = 'the server is busy, retry later',
    readonly retryAfterSeconds = 1,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}
