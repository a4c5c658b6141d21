import { NotFoundProblem, Problem } from '#errors';

/** A request path the matcher will not decide on (routes/request-path.ts says why). */
export class RequestPathRefused extends Problem {
  constructor(reason: string) {
    super(400, 'Bad request path', reason, [], 'bad-request-path');
  }
}

export class NoRouteProblem extends NotFoundProblem {
  constructor() {
    super('no route matches this path');
  }
}

/** RFC 9110 §15.5.6: a 405 lists the methods the route allows. */
export class MethodNotAllowedProblem extends Problem {
  constructor(allow: readonly string[]) {
    super(405, 'Method not allowed', `this route allows ${allow.join(', ')}`);
    this.headers['Allow'] = allow.join(', ');
  }
}
