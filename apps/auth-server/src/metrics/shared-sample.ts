/**
 * One read shared by the gauges of a scrape and by the scrapes that follow within `ms`: a scrape
 * collects each gauge in turn, and several gauges read the same rows.
 */
export function sharedSample<T>(read: () => Promise<T>, ms = 1000): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read().finally(() => setTimeout(() => (pending = undefined), ms).unref()));
}
