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

/** One counter row: `count` events of `metric` with `label` during the minute starting at `minute` (ms). */
export interface ActivityCount {
  minute: number;
  metric: ActivityMetric;
  label: string;
  count: number;
}

export const MINUTE_MS = 60_000;

/** The start of the minute holding `at` (ms since the epoch, UTC). */
export function minuteOf(at: number): number {
  return at - (at % MINUTE_MS);
}
