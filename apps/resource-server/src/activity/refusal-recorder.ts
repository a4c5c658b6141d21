import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { refusalReason } from './refusal-reason.js';
import { RS_REFUSED, RsActivityCounters } from './rs-activity-counters.js';

/**
 * Counts every refusal this resource server answers, whichever part answered it (protected demo
 * routes, the gateway, /auth/verify, clientBasic routes, the admin API), from the answer itself:
 * one onSend hook on the whole app, added before Nest registers the routes. Only answers the
 * server wrote count (a serialized body): an upstream's own 401 streamed back through the gateway
 * is the upstream's refusal, not this server's. Any other answer costs one status comparison.
 */
@Injectable()
export class RefusalRecorder {
  constructor(adapterHost: HttpAdapterHost, counters: RsActivityCounters) {
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onSend', (_request, reply, payload, done) => {
      const status = reply.statusCode;
      if ((status === 401 || status === 403 || status === 429) && (typeof payload === 'string' || payload === null || payload === undefined)) {
        const reason = refusalReason(status, reply.getHeader('www-authenticate'), payload ?? undefined);
        if (reason !== null) counters.add(RS_REFUSED, reason);
      }
      done(null, payload);
    });
  }
}
