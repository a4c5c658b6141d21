import { describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { HostedLane } from './lane-server.js';

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
