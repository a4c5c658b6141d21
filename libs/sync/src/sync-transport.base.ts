import { Logger, type LoggerService } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { EnvelopeProcessor } from './envelope-processor.js';
import type { SyncEnvelope } from './events.js';
import type { SyncConsumerOptions, SyncTransportStatus } from './sync-transport.types.js';
import { SyncEventContext } from './sync-event.context.js';

/**
 * What the two transports share: dispatching an envelope to the `@EventPattern(kind)` handler and
 * waiting for its promise (or observable) to settle, so the caller acks only after success.
 */
export abstract class SyncTransportServer extends Server implements CustomTransportStrategy {
  /** We await handlers ourselves, so a failure reaches us (and we log it) instead of being lost. */
  override readonly propagatesEventHandlerErrors = true;
  protected readonly processor: EnvelopeProcessor;
  protected override readonly logger: LoggerService;

  protected constructor(options: SyncConsumerOptions) {
    super();
    this.logger = new Logger(new.target.name);
    this.processor = new EnvelopeProcessor(options, (envelope) => this.dispatch(envelope), (message) => this.logger.warn(message));
  }

  /** Transport state for the resource server's GET /admin/v1/sync. (`status` is Nest's observable.) */
  abstract syncStatus(): SyncTransportStatus;

  private async dispatch(envelope: SyncEnvelope): Promise<void> {
    const handler = this.getHandlerByPattern(envelope.kind);
    if (!handler) {
      // Nothing to apply: acking keeps the stream moving; the next snapshot covers it anyway.
      this.logger.warn(`no handler for sync event ${envelope.kind} (seq ${envelope.seq})`);
      return;
    }
    const result: unknown = await handler(envelope, new SyncEventContext([envelope]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Waits for `work`, but no longer than `ms` (close() must stay prompt). */
export async function settleWithin(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work?.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
