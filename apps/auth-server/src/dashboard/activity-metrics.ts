import { MinuteCounters } from '#operability';

/**
 * The activity the dashboard counts per minute, each with a bounded label set: grant types (a
 * known few: counted after a 200 only), client ids (bounded by the registry), and the error codes
 * the token endpoint answers (the server's own vocabulary, plus `rate_limited` for its 429s).
 */
export const ActivityMetrics = {
  /** Access tokens issued at the token endpoint; label: the grant type. */
  tokensIssued: 'tokens.issued',
  /** The same tokens; label: the client id (the clients' sparklines and top clients). */
  tokensIssuedByClient: 'tokens.issued.client',
  /** Token endpoint refusals; label: the OAuth error code, or `rate_limited`. */
  tokenRefused: 'token.refused',
} as const;

export type ActivityMetric = (typeof ActivityMetrics)[keyof typeof ActivityMetrics];

/** This instance's counts since the last flush (the token endpoint's hook adds, ActivityFlusher drains). */
export class ActivityCounters extends MinuteCounters<ActivityMetric> {}
