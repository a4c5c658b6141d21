import type { SyncEnvelope } from './events.js';
import { STREAM_FIELD_ENVELOPE, STREAM_FIELD_SEQ } from './constants.js';
import { readEventUnverified } from './event-token.js';

/** A stream entry's field value by name, from the flat [field, value, …] list; null when absent. */
export function fieldOf(fields: string[] | null | undefined, name: string): string | null {
  if (!fields) return null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1];
  }
  return null;
}

/** The entry's envelope field as stored (a signed event), or null when absent. */
export function rawEnvelopeOf(fields: string[] | null | undefined): string | null {
  return fieldOf(fields, STREAM_FIELD_ENVELOPE);
}

/** The entry's seq field as a number, or null. */
export function seqFieldOf(fields: string[] | null | undefined): number | null {
  const seq = fieldOf(fields, STREAM_FIELD_SEQ);
  return seq === null ? null : Number(seq);
}

/** The envelope of an entry WITHOUT checking its signature (tests and tools); null when absent or unreadable. */
export function envelopeFromFields(fields: string[] | null | undefined): SyncEnvelope | null {
  const raw = rawEnvelopeOf(fields);
  if (raw === null) return null;
  try {
    return readEventUnverified(raw);
  } catch {
    return null;
  }
}

/** The stream entry id for an outbox seq: explicit ids make Redis itself refuse a second copy. */
export function streamIdForSeq(seq: number): string {
  return `${seq}-0`;
}

/** Where entries that can never be applied are moved, with the reason (see RejectedEvent). */
export function deadLetterStreamOf(stream: string): string {
  return `${stream}:dead`;
}
