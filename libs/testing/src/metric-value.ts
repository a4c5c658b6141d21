/**
 * The value of one series in a Prometheus text exposition (`/metrics`), 0 when absent. `series` is
 * the series as exposed, name and labels, written plainly: `route_decisions_total{via="gateway",route="/billing",status="200"}`.
 * A value that is not a number reads as NaN, so that no assertion passes on it.
 */
export function metricValue(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
