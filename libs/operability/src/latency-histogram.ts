import type { Metric, Registry } from 'prom-client';

/** One label set's observations: what its `_bucket`, `_sum` and `_count` series say. */
export class LatencyRecorder {
  /** Observations per bucket, not yet cumulative; the last slot is +Inf's own. */
  private readonly counts: Float64Array;
  private total = 0;
  private seconds = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) bucket++;
    this.counts[bucket] += 1;
    this.total += 1;
    this.seconds += seconds;
  }

  /** prom-client's series for this label set, in its order: each bound, +Inf, the sum, the count. */
  series(name: string): HistogramSeries[] {
    const series: HistogramSeries[] = [];
    let cumulative = 0;
    this.bounds.forEach((bound, index) => {
      cumulative += this.counts[index];
      series.push({ metricName: `${name}_bucket`, labels: { le: bound, ...this.labels }, value: cumulative });
    });
    series.push(
      { metricName: `${name}_bucket`, labels: { le: '+Inf', ...this.labels }, value: this.total },
      { metricName: `${name}_sum`, labels: { ...this.labels }, value: this.seconds },
      { metricName: `${name}_count`, labels: { ...this.labels }, value: this.total },
    );
    return series;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.seconds = 0;
  }
}

export interface HistogramSeries {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface LatencyHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds in seconds, ascending. */
  buckets: readonly number[];
  registry: Registry;
}

/**
 * A Prometheus histogram that is one of a prom-client Registry's metrics (same text and JSON
 * forms as prom-client's Histogram, summed across a pool's workers), observed through a
 * LatencyRecorder per label set that the caller keeps. Why not prom-client's Histogram: its
 * observe() validates and hashes the label set on every call, a labelled child's too, and the
 * HTTP latency is observed on every request: 0.94 µs per observation in a loop against a
 * recorder's 33-39 ns, and 3% of a profiled gateway's samples (docs/performance.md "Session 15").
 * A recorder's observe is a bucket search and three additions.
 */
export class LatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly recorders = new Map<string, LatencyRecorder>();

  constructor(options: LatencyHistogramOptions) {
    if (options.buckets.some((bound, index) => !Number.isFinite(bound) || (index > 0 && bound <= options.buckets[index - 1])))
      throw new Error(`${options.name}: the buckets must be finite and ascending`);
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...options.buckets];
    // The Registry reads only name, help, type, aggregator, get() and reset(): what this class has.
    options.registry.registerMetric(this as unknown as Metric);
  }

  /** The recorder of this label set, the same one every time it is asked for. */
  recorder(labels: Readonly<Record<string, string>>): LatencyRecorder {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let recorder = this.recorders.get(key);
    if (recorder === undefined) this.recorders.set(key, (recorder = new LatencyRecorder(this.bounds, { ...labels })));
    return recorder;
  }

  /** What a Registry asks each metric for (prom-client's MetricObjectWithValues). */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: HistogramSeries[] }> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.recorders.values()].flatMap((recorder) => recorder.series(this.name)),
    };
  }

  /** Registry.resetMetrics(): every label set starts again from zero (its recorder is kept: callers hold it). */
  reset(): void {
    for (const recorder of this.recorders.values()) recorder.reset();
  }
}
