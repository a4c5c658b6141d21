import type { PGlite } from '@electric-sql/pglite';

/** Wire-protocol message types that end a client's batch: Sync, simple Query, Terminate. */
const BATCH_END = new Set([0x53, 0x51, 0x58]);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Serialises the pooled connections' wire messages onto PGlite's single session.
 *
 * Written by hand because pglite-socket 0.2's own queue switches connections between any two
 * messages outside a transaction: the Parse/Bind/Execute/Sync batches that `pg` sends for every
 * parameterised query then interleave, and a connection finds its unnamed statement replaced
 * ("unnamed prepared statement does not exist"). This queue keeps the session with one
 * connection until its batch ends (Sync, Query or Terminate) and, as before, for a whole transaction.
 * It is duck-typed to the queue that PGLiteSocketHandler expects.
 */
export class PGliteSessionQueue {
  private readonly queue: QueuedMessage[] = [];
  private processing = false;
  /** The connection that owns the session until its batch or transaction ends. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId !== handlerId) continue;
      this.queue[i].reject(new Error('connection closed'));
      this.queue.splice(i, 1);
    }
  }

  /** A connection closed mid-transaction or mid-batch: roll back and free the session. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }

  private next(): QueuedMessage | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((item) => item.handlerId === this.owner);
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (error) {
          current.reject(error);
          continue;
        }
        const type = current.message[0];
        const batchOpen = type !== 0 && !BATCH_END.has(type);
        this.owner = batchOpen || this.db.isInTransaction() ? current.handlerId : null;
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
