import { describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { performance } from 'node:perf_hooks';
import type { HttpMetrics } from './http-metrics.js';
import { HostedLane, laneRequestCompleted } from './lane-server.js';

class ProbeLane extends HostedLane<{ name: string }> {
  get host(): { name: string } | undefined {
    return this.openHost;
  }
}

/** The hooks a lane adds, run by hand: a Fastify instance reduced to addHook. */
function hookRecorder() {
  const hooks = new Map<string, ((done: () => void) => void)[]>();
  const fastify = { addHook: (name: string, hook: (done: () => void) => void) => void hooks.set(name, [...(hooks.get(name) ?? []), hook]) };
  return { fastify: fastify as unknown as FastifyInstance, run: (name: string) => hooks.get(name)?.forEach((hook) => hook(() => undefined)) };
}

describe('HostedLane', () => {
  it('takes nothing before the built app is resolved, then stands aside from the start of close()', () => {
    const lane = new ProbeLane();
    const { fastify, run } = hookRecorder();
    lane.install(fastify);
    expect(lane.host).toBeUndefined();
    lane.resolve({ name: 'app' });
    expect(lane.host).toEqual({ name: 'app' });
    run('preClose');
    expect(lane.host).toBeUndefined();
  });
});

describe('laneRequestCompleted', () => {
  it('observes the latency under the route label and logs the access line under the path, with the same elapsed time', () => {
    const observed: unknown[][] = [];
    const logged: unknown[][] = [];
    const host = {
      httpMetrics: { observe: (...args: unknown[]) => void observed.push(args) } as unknown as HttpMetrics,
      requestCompleted: (...args: unknown[]) => void logged.push(args),
    };
    const started = performance.now() - 40;
    laneRequestCompleted(host, { started, requestId: 'req-1', method: 'GET', routeLabel: '/billing', url: '/billing/invoices?page=2', ip: '127.0.0.9' }, 502);
    expect(observed).toHaveLength(1);
    expect(logged).toHaveLength(1);
    const [method, label, status, seconds] = observed[0] as [string, string, number, number];
    expect([method, label, status]).toEqual(['GET', '/billing', 502]);
    const [requestId, loggedMethod, url, loggedStatus, ms, ip] = logged[0] as [string, string, string, number, number, string];
    expect([requestId, loggedMethod, url, loggedStatus, ip]).toEqual(['req-1', 'GET', '/billing/invoices?page=2', 502, '127.0.0.9']);
    expect(ms).toBeGreaterThanOrEqual(40);
    expect(seconds).toBe(ms / 1000);
  });
});
