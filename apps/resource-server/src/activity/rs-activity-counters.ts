import { MinuteCounters } from '#operability';

/** What the resource server counts per minute; label: the refusal reason (refusal-reason.ts). */
export const RS_REFUSED = 'request.refused';

export type RsActivityMetric = typeof RS_REFUSED;

/** This instance's refusals since the last flush. */
export class RsActivityCounters extends MinuteCounters<RsActivityMetric> {}
