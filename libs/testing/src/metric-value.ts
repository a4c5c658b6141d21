/**
 * The value of one series in a Prometheus text exposition (`/metrics`), 0 when absent: `series` is
 * a regular expression for the series name and labels, escaped as the caller needs (`\\{`).
 */
export function metricValue(metrics: string, series: string): number {
  return Number(new RegExp(`^${series} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
}
