/** One counter row: `count` events of `metric` with `label` during the minute starting at `minute` (ms). */
export interface ActivityCount<Metric extends string = string> {
  minute: number;
  metric: Metric;
  label: string;
  count: number;
}

export const MINUTE_MS = 60_000;

/** The start of the minute holding `at` (ms since the epoch, UTC). */
export function minuteOf(at: number): number {
  return at - (at % MINUTE_MS);
}

/** The minutes a dashboard shows, oldest first, the current (unfinished) minute last. */
export interface ActivityWindow {
  /** Start of the oldest minute, ms. */
  from: number;
  minutes: number;
}

export function windowEndingAt(now: number, minutes: number): ActivityWindow {
  return { from: minuteOf(now) - (minutes - 1) * MINUTE_MS, minutes };
}

/** The window's minutes as ISO timestamps (the x axis every series shares). */
export function minuteStamps(window: ActivityWindow): string[] {
  return Array.from({ length: window.minutes }, (_, i) => new Date(window.from + i * MINUTE_MS).toISOString());
}

/** Counts by label, each an array aligned with the window's minutes (0 where nothing happened). */
export function seriesByLabel(counts: readonly ActivityCount[], window: ActivityWindow): Record<string, number[]> {
  const series: Record<string, number[]> = {};
  for (const row of counts) {
    const index = Math.floor((row.minute - window.from) / MINUTE_MS);
    if (index < 0 || index >= window.minutes) continue;
    (series[row.label] ??= new Array<number>(window.minutes).fill(0))[index] += row.count;
  }
  return series;
}

/** One series: the sum over labels (a single client's tokens, say). */
export function seriesTotal(counts: readonly ActivityCount[], window: ActivityWindow): number[] {
  const total = new Array<number>(window.minutes).fill(0);
  for (const values of Object.values(seriesByLabel(counts, window))) values.forEach((value, i) => (total[i] += value));
  return total;
}

/** The labels with the largest sums, largest first (ties by label), at most `limit`. */
export function topLabels(series: Record<string, number[]>, limit: number): { label: string; total: number }[] {
  return Object.entries(series)
    .map(([label, values]) => ({ label, total: sum(values) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label))
    .slice(0, limit);
}

/** A series group as the admin APIs answer it: the window's total and one series per label. */
export interface SeriesGroup {
  total: number;
  series: Record<string, number[]>;
}

export function seriesGroup(series: Record<string, number[]>): SeriesGroup {
  return { total: sum(Object.values(series).map(sum)), series };
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
