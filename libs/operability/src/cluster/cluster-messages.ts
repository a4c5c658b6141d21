/**
 * What the pool's primary and its workers say to each other over the cluster's IPC channel. Every
 * message carries one of these types, so messages of others on the channel (a process manager's,
 * prom-client's own) pass by untouched.
 */
export const ClusterMessages = {
  /** worker → primary, once its metrics registry exists: is there a WorkerPool to aggregate them? */
  hello: 'portcullis:worker-hello',
  /** primary → worker, the answer: yes, send scrapes here. */
  supervised: 'portcullis:supervised',
  /** worker → primary: a scrape of GET /metrics reached this worker; answer with everyone's. */
  scrape: 'portcullis:metrics-scrape',
  /** primary → worker: the aggregated text for that scrape (none: serve your own). */
  scraped: 'portcullis:metrics-scraped',
  /** primary → worker: send your own metrics (as prom-client JSON). */
  collect: 'portcullis:metrics-collect',
  /** worker → primary: those metrics (`Registry.getMetricsAsJSON()`). */
  collected: 'portcullis:metrics-collected',
  /** worker → primary → every other worker: a change this worker committed (sibling-channel.ts). */
  sibling: 'portcullis:sibling',
} as const;

export type ClusterMessage =
  | { type: typeof ClusterMessages.hello }
  | { type: typeof ClusterMessages.supervised }
  | { type: typeof ClusterMessages.scrape; id: number }
  | { type: typeof ClusterMessages.scraped; id: number; text?: string }
  | { type: typeof ClusterMessages.collect; id: number }
  | { type: typeof ClusterMessages.collected; id: number; metrics: object[] }
  | { type: typeof ClusterMessages.sibling; topic: string; body: unknown };

const TYPES = new Set<string>(Object.values(ClusterMessages));

export function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === 'object' && message !== null && TYPES.has((message as { type?: unknown }).type as string);
}
