import type { SyncEnvelope } from './events.js';
import { RejectedEvent } from './rejected-event.js';
import type { SyncConsumerOptions } from './sync-transport.types.js';

export type EnvelopeOutcome = 'applied' | 'duplicate';

/**
 * The ordering rules both transports apply to each delivered envelope, before acking it:
 * - seq at or below what is applied: a redelivery, ack without dispatch (onDuplicate counts it);
 * - its predecessor (prevSeq, else seq - 1) not applied: events were lost, so onGap first; if
 *   the snapshot (which reflects every event the auth server published) is still below this seq,
 *   the auth server does not confirm it: RejectedEvent('unconfirmed-seq'), never applied, so a
 *   forged or corrupt huge seq cannot freeze every later event;
 * - otherwise dispatch, and the caller acks only if this resolves.
 */
export class EnvelopeProcessor {
  private deliveredSeq = 0;

  constructor(
    private readonly options: Pick<SyncConsumerOptions, 'lastAppliedSeq' | 'onGap' | 'onDuplicate'>,
    private readonly dispatch: (envelope: SyncEnvelope) => Promise<void>,
    private readonly warn: (message: string) => void,
  ) {}

  get lastDeliveredSeq(): number {
    return this.deliveredSeq;
  }

  async process(envelope: SyncEnvelope): Promise<EnvelopeOutcome> {
    let applied = await this.appliedSeq();
    if (envelope.seq <= applied) return this.delivered(envelope, 'duplicate');
    const previous = envelope.prevSeq ?? envelope.seq - 1;
    if (previous > applied) {
      this.warn(`gap before seq ${envelope.seq} (applied ${applied}): resyncing from a snapshot`);
      await this.resync();
      applied = await this.appliedSeq();
      if (envelope.seq <= applied) return this.delivered(envelope, 'duplicate');
      throw new RejectedEvent('unconfirmed-seq', `seq ${envelope.seq} (after ${previous}) is above the auth server's snapshot (seq ${applied})`);
    }
    await this.dispatch(envelope);
    return this.delivered(envelope, 'applied');
  }

  /** Runs onGap; the snapshot's seq becomes what is applied, whatever this session delivered. */
  async resync(): Promise<void> {
    await this.options.onGap();
    this.deliveredSeq = 0;
  }

  /**
   * The seq at and below which every delivery is a duplicate. A handler that resolved counts as
   * applied even if it did not record the seq itself (an event kind the resource server ignores),
   * so the next event is not mistaken for a gap.
   */
  async appliedSeq(): Promise<number> {
    return Math.max(await this.options.lastAppliedSeq(), this.deliveredSeq);
  }

  private delivered(envelope: SyncEnvelope, outcome: EnvelopeOutcome): EnvelopeOutcome {
    this.deliveredSeq = Math.max(this.deliveredSeq, envelope.seq);
    if (outcome === 'duplicate') this.options.onDuplicate?.();
    return outcome;
  }
}
