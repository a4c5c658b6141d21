import type { InProcessEventBus } from './in-process-event-bus.js';
import { RejectedEvent } from './rejected-event.js';
import { settleWithin, sleep, SyncTransportServer } from './sync-transport.base.js';
import type { SyncConsumerOptions, SyncTransportStatus } from './sync-transport.types.js';

export interface InProcessTransportOptions extends SyncConsumerOptions {
  bus: InProcessEventBus;
  /** Pause before retrying after a handler failure. */
  retryDelayMs?: number;
}

const BATCH = 100;
const CLOSE_WAIT_MS = 2000;

/**
 * The same contract as RedisStreamsTransport over an InProcessEventBus (single-process mode):
 * in order, ack after the handler resolved, redelivery after a failure, onGap when the bus's
 * bounded log no longer reaches back to what the consumer has applied.
 */
export class InProcessTransport extends SyncTransportServer {
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly options: InProcessTransportOptions) {
    super(options);
  }

  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.loop = this.run();
    this._status$.next('connected');
    callback();
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await settleWithin(this.loop, CLOSE_WAIT_MS);
    this._status$.next('disconnected');
  }

  syncStatus(): SyncTransportStatus {
    return { transport: 'in-process', connected: !this.stopping.signal.aborted, lastDeliveredSeq: this.processor.lastDeliveredSeq };
  }

  on(): void {
    // The bus has no connection events.
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async run(): Promise<void> {
    const { bus, group } = this.options;
    while (!this.stopping.signal.aborted) {
      const batch = bus.readUnacked(group, BATCH);
      if (batch.length === 0) {
        await bus.waitForAppend(1000, this.stopping.signal);
        continue;
      }
      for (const envelope of batch) {
        if (this.stopping.signal.aborted) return;
        try {
          await this.processor.process(envelope);
          this.options.onAccepted?.();
          bus.ack(group, envelope.seq);
        } catch (error) {
          if (error instanceof RejectedEvent) {
            // Only this process writes to the bus, so this is a bug, not an attack: skip it loudly.
            this.logger.warn(`sync event seq ${envelope.seq} (${envelope.kind}) refused (${error.reason}): ${error.message}`);
            this.options.onDeadLetter?.(error.reason);
            bus.ack(group, envelope.seq);
            continue;
          }
          this.logger.error(`sync event seq ${envelope.seq} (${envelope.kind}) failed, will retry: ${(error as Error).message}`);
          await sleep(this.options.retryDelayMs ?? 250, this.stopping.signal);
          break;
        }
      }
    }
  }
}
