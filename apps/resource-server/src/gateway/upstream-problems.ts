import { Problem } from '#errors';

/** 502: the upstream refused the connection, was unreachable, or broke off its answer. */
export class BadGatewayProblem extends Problem {
  constructor() {
    super(502, 'Bad gateway', 'the upstream could not be reached or gave no valid answer');
  }
}

/** 504: no answer from the upstream within the route's timeoutMs. */
export class GatewayTimeoutProblem extends Problem {
  constructor(timeoutMs: number) {
    super(504, 'Gateway timeout', `the upstream did not answer within ${timeoutMs} ms`);
  }
}

/**
 * The problem for an error of the proxy library (@fastify/reply-from). Its 504 for a connect
 * timeout is an unreachable upstream, hence 502; its 500s (connection refused, reset) are the
 * upstream's failure, not ours, hence 502 as well.
 */
export function upstreamProblem(error: unknown, timeoutMs: number): Problem {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT' || code === 'FST_REPLY_FROM_TIMEOUT') return new GatewayTimeoutProblem(timeoutMs);
  return new BadGatewayProblem();
}
