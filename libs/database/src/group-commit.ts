/**
 * Group commit for a hot path's writes (the auth server's grants and used one-time ids, the
 * resource server's used DPoP proof ids in Redis): the first item goes out at the end of the
 * event loop's turn (no added latency when idle); items arriving while `maxInFlight` batches run
 * wait and leave together, at most `maxBatch` at a time, as one statement (one implicit
 * transaction, one WAL flush) or one pipeline (one socket write). `run` settles each item of its
 * batch itself; it must not throw.
 */
export class GroupCommit<Item> {
  private queue: Item[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (batch: Item[]) => Promise<void>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  add(item: Item): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate: requests parsed in the same event-loop turn join the same statement.
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= this.maxInFlight) return;
      void this.flush(this.queue.splice(0, this.maxBatch));
    });
  }

  private async flush(batch: Item[]): Promise<void> {
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.run(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
