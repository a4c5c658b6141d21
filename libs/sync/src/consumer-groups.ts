/**
 * Where one consumer group (one resource-server instance) stands on the event log, as the
 * publishing side sees it: the auth server's dashboard shows it per resource server without
 * asking each of them (it may not know their addresses; Redis does).
 */
export interface ConsumerGroupState {
  group: string;
  /** Consumers registered in the group (Redis); 1 for the in-process bus. */
  consumers: number;
  /** Delivered to the group and not acknowledged yet (Redis); 0 for the in-process bus. */
  pending: number;
  /** The newest seq delivered to the group (Redis) or acknowledged by it (in-process). */
  lastDeliveredSeq: number;
  /** The oldest seq the group has not acknowledged, null when it acknowledged everything. */
  oldestUnackedSeq: number | null;
  /** Events the group still has to acknowledge: not delivered yet, plus pending. */
  behind: number;
  /**
   * Milliseconds since a consumer of the group last read (Redis), null when unknown: no consumer,
   * or Redis before 7.2 while the group has nothing to take (its `idle` then counts from the last
   * delivery, not the last read).
   */
  idleMs: number | null;
}

/** A Redis reply of alternating field names and values, as an object. */
export function fieldsOf(reply: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = reply[i + 1];
  return fields;
}

/** The seq of a stream id `<seq>-0` (what the publisher writes), 0 for `0-0` or anything else. */
export function seqOfStreamId(id: unknown): number {
  const seq = Number(String(id).split('-')[0]);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : 0;
}

/**
 * The hash beside the stream where the auth server keeps, per group without consumers, when it
 * first saw it so (ms, Redis clock): XINFO gives such a group no age.
 */
export function groupsWithoutConsumersKeyOf(stream: string): string {
  return `${stream}:groups-without-consumers`;
}
