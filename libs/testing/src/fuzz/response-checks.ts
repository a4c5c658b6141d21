import type { RawResponse } from './raw-http.js';

/**
 * What must never reach a client: a stack frame, a source location, a driver or runtime error
 * name, a PostgreSQL message. Checked on every error response (4xx included: a 400 that quotes
 * "invalid input syntax for type uuid" is a leak as much as a 500 is).
 */
export const LEAK_PATTERN =
  /\bat \S+ \(|node_modules|QueryFailedError|EntityNotFound|TypeORMError|TypeError|ReferenceError|RangeError|ECONNREFUSED|SQLSTATE|"stack"\s*:|\.[jt]s:\d+:\d+|Cannot read propert|is not a function|invalid input syntax|violates [a-z -]*constraint|duplicate key value|relation "|column "|syntax error at|out of range for type/i;

const OAUTH_ERROR_CODE = /^[a-z_]+$/;

/**
 * What Fastify's default clientError handler answers when Node's HTTP parser refuses the request
 * before any route or filter runs. An app that wires renderClientError never sends it.
 */
export function isParserRefusal(response: RawResponse): boolean {
  return (
    response.status >= 400 &&
    response.status < 500 &&
    /^\{"error":"[A-Za-z ]+","message":"(Client Error|Exceeded maximum allowed HTTP header size)","statusCode":4\d\d\}$/.test(response.body.toString('utf8'))
  );
}

export interface CheckOptions {
  /** Paths whose errors are HTML pages for a browser (the authorization endpoint). */
  htmlErrorPaths: RegExp;
}

/** The violations of one response; empty when it is acceptable. */
export function responseViolations(method: string, target: string, response: RawResponse, options: CheckOptions): string[] {
  const violations: string[] = [];
  const { status } = response;
  if (status >= 500) violations.push(`status ${status}`);
  const text = response.body.toString('utf8');
  const type = (response.headers['content-type'] ?? '').toLowerCase();
  if (status >= 400 && LEAK_PATTERN.test(text)) violations.push(`internal detail in the body: ${JSON.stringify(text.match(LEAK_PATTERN)?.[0])}`);
  if (method.toUpperCase() === 'HEAD' || status === 204 || status === 304 || (status >= 300 && status < 400 && text.length === 0)) return violations;
  if (/json/.test(type)) {
    const parsed = parseJson(text);
    if (parsed === undefined) violations.push(`content-type ${type} but the body is not JSON`);
    else if (status >= 400) violations.push(...errorShapeViolations(type, parsed, status));
  } else if (status >= 400) {
    const path = target.split('?')[0];
    if (!(/text\/html/.test(type) && options.htmlErrorPaths.test(path)))
      violations.push(`error answered as ${JSON.stringify(type)}, not as an OAuth error or a problem`);
  }
  return violations;
}

function errorShapeViolations(type: string, body: unknown, status: number): string[] {
  const object = body as Record<string, unknown> | null;
  if (!object || typeof object !== 'object' || Array.isArray(object)) return ['the error body is not an object'];
  if (type.includes('application/problem+json')) {
    if (typeof object.type !== 'string' || typeof object.title !== 'string' || object.status !== status)
      return [`not an RFC 9457 problem for ${status}: ${JSON.stringify(object).slice(0, 200)}`];
    return [];
  }
  if (typeof object.error !== 'string' || !OAUTH_ERROR_CODE.test(object.error)) return [`not an OAuth error: ${JSON.stringify(object).slice(0, 200)}`];
  if (
    object.error_description !== undefined &&
    (typeof object.error_description !== 'string' || /[^\x20\x21\x23-\x5b\x5d-\x7e]/.test(object.error_description))
  ) {
    return [`error_description outside RFC 6749's character set: ${JSON.stringify(object.error_description)}`];
  }
  return [];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
