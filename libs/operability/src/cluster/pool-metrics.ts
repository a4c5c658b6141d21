import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { ClusterMessages, isClusterMessage, type ClusterMessage } from './cluster-messages.js';

/** A worker that does not answer within this (busy, dying) is left out of that scrape. */
const COLLECT_TIMEOUT_MS = 2000;

/**
 * The primary's side of GET /metrics (worker-metrics.ts): on a worker's request, collects every
 * live worker's registry and answers with their aggregate, as prom-client's AggregatorRegistry
 * defines it: counters and histograms summed, each gauge by its `aggregator` (sum unless the
 * metric says otherwise: a figure every worker reads from the shared database says `max`).
 * Label sets stay apart, so `cluster_worker_info` lists each worker. A worker's counters leave
 * the sum when it dies: Prometheus' rate() reads that as a counter reset.
 */
export class PoolMetrics {
  private nextId = 0;
  private readonly collecting = new Map<number, (metrics: object[]) => void>();

  constructor() {
    cluster.on('message', (worker: Worker, message: unknown) => {
      if (isClusterMessage(message)) this.onMessage(worker, message);
    });
  }

  /** Every live worker's metrics, aggregated into one Prometheus text. */
  async aggregate(): Promise<string> {
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.isConnected());
    const id = this.nextId++;
    const collected = await new Promise<object[]>((resolve) => {
      const results: object[] = [];
      let left = workers.length;
      const finish = () => {
        clearTimeout(timer);
        this.collecting.delete(id);
        resolve(results);
      };
      const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
      this.collecting.set(id, (metrics) => {
        results.push(metrics);
        if (--left === 0) finish();
      });
      if (left === 0) finish();
      for (const worker of workers) send(worker, { type: ClusterMessages.collect, id });
    });
    return AggregatorRegistry.aggregate(collected).metrics();
  }

  private onMessage(worker: Worker, message: ClusterMessage): void {
    if (message.type === ClusterMessages.hello) send(worker, { type: ClusterMessages.supervised });
    if (message.type === ClusterMessages.collected) this.collecting.get(message.id)?.(message.metrics);
    if (message.type === ClusterMessages.scrape) {
      // Without an aggregate (a metric the workers disagree on) the worker serves its own at once.
      void this.aggregate().then(
        (text) => send(worker, { type: ClusterMessages.scraped, id: message.id, text }),
        () => send(worker, { type: ClusterMessages.scraped, id: message.id }),
      );
    }
  }
}

/** A worker whose channel closed in between is skipped: its scrape falls back on its own timeout. */
function send(worker: Worker, message: ClusterMessage): void {
  if (worker.isConnected()) worker.send(message, undefined, () => undefined);
}
