import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LatencyHistogram, type LatencyRecorder } from './latency-histogram.js';
import { MetricsRegistry } from './metrics-registry.js';

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
const METRICS_ROUTE = Symbol('metrics route');
type LabelledRequest = FastifyRequest & { [METRICS_ROUTE]?: string };

/**
 * Labels this request by `route` rather than its Fastify route pattern: for a catch-all that
 * knows better (the resource server's gateway: its matched route prefix, not "/*"). The caller
 * keeps the label set bounded.
 */
export function labelMetricsRoute(request: FastifyRequest, route: string): void {
  (request as LabelledRequest)[METRICS_ROUTE] = route;
}

/**
 * Request latency by route pattern (never the raw URL: ids would explode the label set; or the
 * label a catch-all gave, labelMetricsRoute) and
 * status class. Hooked in while the app is being built, so every route gets it; onResponse runs
 * after the reply is written, off the request's critical path.
 */
@Injectable()
export class HttpMetrics {
  private readonly histogram: LatencyHistogram;
  // One recorder per (route pattern, method, status class), made on first use and found through
  // two maps and an array: no label object, key string or label hash per request (the set is
  // bounded by the route table).
  private readonly recorders = new Map<string, Map<string, (LatencyRecorder | undefined)[]>>();

  constructor(adapterHost: HttpAdapterHost, metrics: MetricsRegistry) {
    this.histogram = new LatencyHistogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and status class',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registry: metrics.registry,
    });
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = (request as LabelledRequest)[METRICS_ROUTE] ?? request.routeOptions.url ?? 'unmatched';
      this.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  /** One request's latency: from the hook above, or from a lane that answers before Fastify (the resource server's gateway lane). */
  observe(method: string, route: string, statusCode: number, seconds: number): void {
    const statusClass = Math.floor(statusCode / 100);
    let byMethod = this.recorders.get(route);
    if (byMethod === undefined) this.recorders.set(route, (byMethod = new Map()));
    let byClass = byMethod.get(method);
    if (byClass === undefined) byMethod.set(method, (byClass = []));
    let recorder = byClass[statusClass];
    if (recorder === undefined) {
      const label = STATUS_CLASSES[statusClass] ?? `${statusClass}xx`;
      byClass[statusClass] = recorder = this.histogram.recorder({ method, route, status_class: label });
    }
    recorder.observe(seconds);
  }
}
