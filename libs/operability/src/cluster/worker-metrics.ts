import cluster from 'node:cluster';
import { Gauge, type Registry } from 'prom-client';
import { ClusterMessages, isClusterMessage, type ClusterMessage } from './cluster-messages.js';

/** The primary answers within its own per-worker bound; past this one it is taken to be gone. */
const SCRAPE_TIMEOUT_MS = 5000;

/**
 * A pool worker's side of GET /metrics. A scrape reaches whichever worker the primary hands the
 * connection to, so that worker asks the primary, which collects every worker's registry and
 * answers with their aggregate (pool-metrics.ts): one scrape sees the whole pool. This worker also
 * answers the primary's collections with its own registry, and says who it is in
 * `cluster_worker_info{worker,pid}`. Outside a WorkerPool (one process, or a cluster run by
 * someone else) a scrape is this process's own registry, as before.
 */
export class WorkerMetrics {
  private supervised = false;
  private nextId = 0;
  private readonly waiting = new Map<number, (text: string | undefined) => void>();
  private readonly listener = (message: unknown) => this.onMessage(message);

  private constructor(private readonly registry: Registry) {
    new Gauge({
      name: 'cluster_worker_info',
      help: 'One per worker process of the pool serving this port: its cluster worker id and pid',
      labelNames: ['worker', 'pid'],
      registers: [registry],
    }).set({ worker: String(cluster.worker!.id), pid: String(process.pid) }, 1);
    process.on('message', this.listener);
    // Asked now rather than told at fork: a message sent before this listener exists is lost.
    this.send({ type: ClusterMessages.hello });
  }

  /** Set up in a cluster worker; undefined in any other process. */
  static attach(registry: Registry): WorkerMetrics | undefined {
    return cluster.isWorker ? new WorkerMetrics(registry) : undefined;
  }

  /** The pool's metrics; this worker's own when the primary does not answer (it is going away). */
  async scrape(): Promise<string> {
    if (!this.supervised || !process.connected) return this.registry.metrics();
    const id = this.nextId++;
    const text = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => settle(undefined), SCRAPE_TIMEOUT_MS);
      const settle = (answer: string | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      this.waiting.set(id, settle);
      this.send({ type: ClusterMessages.scrape, id });
    });
    return text ?? this.registry.metrics();
  }

  detach(): void {
    process.off('message', this.listener);
    for (const settle of this.waiting.values()) settle(undefined);
  }

  private onMessage(message: unknown): void {
    if (!isClusterMessage(message)) return;
    const data: ClusterMessage = message;
    switch (data.type) {
      case ClusterMessages.supervised:
        this.supervised = true;
        return;
      case ClusterMessages.scraped:
        this.waiting.get(data.id)?.(data.text);
        return;
      case ClusterMessages.collect:
        void this.registry.getMetricsAsJSON().then(
          (metrics) => this.send({ type: ClusterMessages.collected, id: data.id, metrics }),
          () => this.send({ type: ClusterMessages.collected, id: data.id, metrics: [] }),
        );
        return;
      default:
        return;
    }
  }

  private send(message: ClusterMessage): void {
    // The channel closes when the primary goes: the scrape then falls back on its timeout.
    if (process.connected) process.send!(message, undefined, undefined, () => undefined);
  }
}
