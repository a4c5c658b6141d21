import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Histogram } from 'prom-client';
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
  private readonly histogram: Histogram<'method' | 'route' | 'status_class'>;
  // One labelled child per (method, route pattern, status class), made on first use: no label
  // object or label-hash computation per request (the set is bounded by the route table).
  private readonly children = new Map<string, ReturnType<HttpMetrics['histogram']['labels']>>();

  constructor(adapterHost: HttpAdapterHost, metrics: MetricsRegistry) {
    this.histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [metrics.registry],
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
    const statusClass = STATUS_CLASSES[Math.floor(statusCode / 100)] ?? `${Math.floor(statusCode / 100)}xx`;
    const key = `${method} ${statusClass} ${route}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.histogram.labels({ method, route, status_class: statusClass });
      this.children.set(key, child);
    }
    child.observe(seconds);
  }
}
