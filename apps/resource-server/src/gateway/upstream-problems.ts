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
 * The problem for an error of undici before the upstream's answer began: no head within the
 * route's timeout is 504; anything else (refused, reset, unreachable, a connect timeout) is the
 * upstream's failure, not ours, hence 502.
 */
export function upstreamProblem(error: unknown, timeoutMs: number): Problem {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new GatewayTimeoutProblem(timeoutMs);
  return new BadGatewayProblem();
}
