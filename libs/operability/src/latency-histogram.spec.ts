import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from './latency-histogram.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED: [Record<string, string>, number][] = [
  [{ method: 'GET', route: '/a', status_class: '2xx' }, 0.0005],
  [{ method: 'GET', route: '/a', status_class: '2xx' }, 0.001],
  [{ method: 'GET', route: '/a', status_class: '2xx' }, 0.05],
  [{ method: 'POST', route: '/b', status_class: '4xx' }, 3],
  [{ method: 'GET', route: '/a', status_class: '2xx' }, 0.5],
];

function withPromClient(observed = OBSERVED): Registry {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'latency_seconds',
    help: 'latency',
    labelNames: ['method', 'route', 'status_class'],
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const [labels, seconds] of observed) histogram.observe(labels, seconds);
  return registry;
}

function withRecorders(observed = OBSERVED): { registry: Registry; histogram: LatencyHistogram } {
  const registry = new Registry();
  const histogram = new LatencyHistogram({ name: 'latency_seconds', help: 'latency', buckets: BUCKETS, registry });
  for (const [labels, seconds] of observed) histogram.recorder(labels).observe(seconds);
  return { registry, histogram };
}

describe('LatencyHistogram', () => {
  it('reads as prom-client Histogram does for the same observations: the text form', async () => {
    expect(await withRecorders().registry.metrics()).toBe(await withPromClient().metrics());
  });

  it('and the JSON form, which a pool aggregates', async () => {
    // prom-client's values carry an `exemplar` (null or undefined) when exemplars are off; nothing reads it then.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((metric) => ({
        ...metric,
        values: metric.values.map((value) => {
          const rest: Partial<typeof value & { exemplar: unknown }> = { ...value };
          delete rest.exemplar;
          return rest;
        }),
      }));
    expect(await withRecorders().registry.getMetricsAsJSON()).toEqual(withoutExemplars(await withPromClient().getMetricsAsJSON()));
  });

  it('is summed across registries (a pool) as prom-client sums its histograms', async () => {
    const ours = AggregatorRegistry.aggregate([
      await withRecorders().registry.getMetricsAsJSON(),
      await withRecorders(OBSERVED.slice(0, 2)).registry.getMetricsAsJSON(),
    ]);
    const theirs = AggregatorRegistry.aggregate([await withPromClient().getMetricsAsJSON(), await withPromClient(OBSERVED.slice(0, 2)).getMetricsAsJSON()]);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).toMatch(/^latency_seconds_count\{method="GET",route="\/a",status_class="2xx"\} 6$/m);
  });

  it('hands out one recorder per label set, whatever the order of the names', () => {
    const { histogram } = withRecorders([]);
    expect(histogram.recorder({ a: '1', b: '2' })).toBe(histogram.recorder({ b: '2', a: '1' }));
    expect(histogram.recorder({ a: '1', b: '2' })).not.toBe(histogram.recorder({ a: '1', b: '3' }));
  });

  it('ignores a value that is not a finite number, as it would corrupt the sum', async () => {
    const { registry, histogram } = withRecorders([]);
    const recorder = histogram.recorder({ route: '/a' });
    recorder.observe(Number.NaN);
    recorder.observe(Number.POSITIVE_INFINITY);
    recorder.observe(0.002);
    const text = await registry.metrics();
    expect(text).toMatch(/^latency_seconds_count\{route="\/a"\} 1$/m);
    expect(text).toMatch(/^latency_seconds_sum\{route="\/a"\} 0.002$/m);
  });

  it('starts again from zero on a registry reset, the recorders held before still counting', async () => {
    const { registry, histogram } = withRecorders();
    registry.resetMetrics();
    histogram.recorder(OBSERVED[0][0]).observe(0.02);
    const text = await registry.metrics();
    expect(text).toMatch(/^latency_seconds_count\{method="GET",route="\/a",status_class="2xx"\} 1$/m);
    expect(text).toMatch(/^latency_seconds_count\{method="POST",route="\/b",status_class="4xx"\} 0$/m);
  });

  it('refuses buckets that are not ascending', () => {
    expect(() => new LatencyHistogram({ name: 'x', help: 'x', buckets: [0.1, 0.1], registry: new Registry() })).toThrow(/ascending/);
  });
});
