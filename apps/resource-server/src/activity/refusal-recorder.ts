import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { refusalReason } from './refusal-reason.js';
import { RS_REFUSED, RsActivityCounters } from './rs-activity-counters.js';

/**
 * Counts every refusal this resource server answers, whichever part answered it (protected demo
 * routes, the gateway, /auth/verify, clientBasic routes, the admin API), from the answer itself:
 * one onResponse hook on the whole app, added before Nest registers the routes. A request that is
 * not refused costs one status comparison.
 */
@Injectable()
export class RefusalRecorder {
  constructor(adapterHost: HttpAdapterHost, counters: RsActivityCounters) {
    adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', (_request, reply, done) => {
      const status = reply.statusCode;
      if (status === 401 || status === 403 || status === 429) {
        const reason = refusalReason(status, reply.getHeader('www-authenticate'));
        if (reason !== null) counters.add(RS_REFUSED, reason);
      }
      done();
    });
  }
}
