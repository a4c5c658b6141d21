import { minuteOf, type ActivityCount } from './minute-series.js';

/** Distinct (minute, metric, label) keys held between two flushes; past it, new keys are dropped. */
export const MAX_PENDING_KEYS = 50_000;

/**
 * This instance's counts since the last flush, in memory: an increment on the token path is a Map
 * update, never a write. drain() hands them over for the rollup table and starts afresh; a flush
 * that failed gives them back with restore(), so a database outage delays counts but loses none
 * (up to MAX_PENDING_KEYS keys: memory stays bounded whatever the outage lasts).
 */
export class MinuteCounters<Metric extends string = string> {
  private pending = new Map<string, ActivityCount<Metric>>();
  private dropped = 0;

  add(metric: Metric, label: string, at = Date.now(), count = 1): void {
    const minute = minuteOf(at);
    const key = `${minute} ${metric} ${label}`;
    const row = this.pending.get(key);
    if (row !== undefined) row.count += count;
    else if (this.pending.size < MAX_PENDING_KEYS) this.pending.set(key, { minute, metric, label, count });
    else this.dropped += count;
  }

  /** Everything counted since the last drain, in key order (so concurrent upserts lock rows in one order). */
  drain(): ActivityCount<Metric>[] {
    const rows = [...this.pending.values()];
    this.pending = new Map();
    return rows.sort(compareRows);
  }

  /** Rows a flush could not store, counted again (added to what came in meanwhile). */
  restore(rows: readonly ActivityCount<Metric>[]): void {
    for (const row of rows) this.add(row.metric, row.label, row.minute, row.count);
  }

  /** Counts lost to the key cap since the last call (logged by the flusher). */
  takeDropped(): number {
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }

  get size(): number {
    return this.pending.size;
  }
}

function compareRows(a: ActivityCount, b: ActivityCount): number {
  return a.minute - b.minute || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}
