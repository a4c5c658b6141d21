const RETRY_MS = 1000;

/**
 * Runs `attempt` in the background until it resolves once, again `retryMs` after each failure
 * (told to `onFailure`), until stop(): how the resource server fetches what it needs from the
 * authorization server at start (its keys, an external server's metadata) without failing its boot.
 */
export class RetriedUntilDone {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly onFailure: (error: Error) => void,
    private readonly retryMs = RETRY_MS,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.attempt();
    } catch (error) {
      this.onFailure(error as Error);
      this.timer = setTimeout(() => void this.run(), this.retryMs);
      this.timer.unref();
    }
  }
}
