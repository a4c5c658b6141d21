import type { SyncEnvelope } from './events.js';
import { STREAM_FIELD_ENVELOPE } from './constants.js';

/** Reads the envelope out of a stream entry's flat [field, value, …] list; null when absent. */
export function envelopeFromFields(fields: string[] | null | undefined): SyncEnvelope | null {
  if (!fields) return null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === STREAM_FIELD_ENVELOPE) return JSON.parse(fields[i + 1]) as SyncEnvelope;
  }
  return null;
}

/** The stream entry id for an outbox seq: explicit ids make Redis itself refuse a second copy. */
export function streamIdForSeq(seq: number): string {
  return `${seq}-0`;
}
