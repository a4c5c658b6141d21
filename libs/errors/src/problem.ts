/**
 * RFC 9457 problem details for the admin APIs. Services throw these; the exception filter
 * renders them as application/problem+json.
 */
export interface FieldError {
  field: string;
  message: string;
}

const TYPE_BASE = 'https://portcullis.dev/problems/';

export class Problem extends Error {
  headers: Record<string, string> = {};

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  ) {
    super(detail);
    this.name = new.target.name;
  }

  get type(): string {
    return TYPE_BASE + this.slug;
  }

  toBody(): Record<string, unknown> {
    return { type: this.type, title: this.title, status: this.status, detail: this.detail, errors: this.errors };
  }
}

export class ValidationProblem extends Problem {
  constructor(errors: FieldError[], detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ')) {
    super(400, 'Invalid request', detail, errors, 'validation');
  }

  static field(field: string, message: string): ValidationProblem {
    return new ValidationProblem([{ field, message }]);
  }
}

export class NotFoundProblem extends Problem {
  constructor(detail: string) {
    super(404, 'Not found', detail);
  }
}

export class ConflictProblem extends Problem {
  constructor(detail: string, errors: FieldError[] = []) {
    super(409, 'Conflict', detail, errors);
  }
}

export class UnauthorizedProblem extends Problem {
  constructor(detail = 'authentication is required') {
    super(401, 'Unauthorized', detail);
    this.headers['WWW-Authenticate'] = 'Basic realm="portcullis-admin", charset="UTF-8", Bearer';
  }
}

export class ForbiddenProblem extends Problem {
  constructor(detail = 'the permission access_control is required') {
    super(403, 'Forbidden', detail);
  }
}

export class ServiceUnavailableProblem extends Problem {
  constructor(detail = 'a backing service is unavailable, retry later', retryAfterSeconds?: number) {
    super(503, 'Service unavailable', detail);
    if (retryAfterSeconds !== undefined) this.headers['Retry-After'] = retryAfterHeader(retryAfterSeconds);
  }
}

/** RFC 6585 429: the caller must wait (a login lockout); Retry-After says how long. */
export class TooManyRequestsProblem extends Problem {
  constructor(retryAfterSeconds: number, detail = 'too many failed attempts, retry later') {
    super(429, 'Too many requests', detail);
    this.headers['Retry-After'] = retryAfterHeader(retryAfterSeconds);
  }
}

/** RFC 9110 §10.2.3: whole seconds; never 0, which would invite an immediate retry. */
export function retryAfterHeader(seconds: number): string {
  return String(Math.max(1, Math.ceil(seconds)));
}
