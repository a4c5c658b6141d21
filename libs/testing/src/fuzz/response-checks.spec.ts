import { describe, expect, it } from '@jest/globals';
import type { RawResponse } from './raw-http.js';
import { isParserRefusal, responseViolations } from './response-checks.js';
import { encodeComponent } from './strings.js';

const OPTIONS = { htmlErrorPaths: /^\/oauth\/authorize/ };

function response(status: number, type: string, body: unknown): RawResponse {
  return { status, headers: { 'content-type': type }, body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

/** The oracle of the fuzz specs must itself be able to fail. */
describe('responseViolations', () => {
  it('accepts OAuth errors, problems, successes and HTML error pages where they belong', () => {
    expect(
      responseViolations('POST', '/oauth/token', response(400, 'application/json', { error: 'invalid_request', error_description: 'bad' }), OPTIONS),
    ).toEqual([]);
    expect(
      responseViolations('GET', '/admin/v1/x', response(404, 'application/problem+json', { type: 't', title: 'Not found', status: 404 }), OPTIONS),
    ).toEqual([]);
    expect(responseViolations('GET', '/oauth/authorize?x=1', response(400, 'text/html', '<html>'), OPTIONS)).toEqual([]);
    expect(responseViolations('GET', '/metrics', response(200, 'text/plain', 'a 1'), OPTIONS)).toEqual([]);
  });

  it('flags a 5xx, a stack trace, a driver message and a foreign error shape', () => {
    expect(responseViolations('GET', '/x', response(500, 'application/problem+json', { type: 't', title: 'x', status: 500 }), OPTIONS)).toEqual(['status 500']);
    expect(responseViolations('GET', '/x', response(400, 'application/json', { error: 'x', stack: 'Error\n    at f (/a/b.js:1:2)' }), OPTIONS)[0]).toMatch(
      /internal detail/,
    );
    expect(
      responseViolations(
        'GET',
        '/x',
        response(400, 'application/problem+json', { type: 't', title: 'x', status: 400, detail: 'invalid input syntax for type uuid' }),
        OPTIONS,
      )[0],
    ).toMatch(/internal detail/);
    expect(responseViolations('GET', '/x', response(404, 'text/plain', 'not found'), OPTIONS)[0]).toMatch(/not as an OAuth error or a problem/);
    expect(responseViolations('GET', '/x', response(400, 'application/problem+json', { type: 't', title: 'x', status: 404 }), OPTIONS)[0]).toMatch(
      /not an RFC 9457 problem/,
    );
    expect(
      responseViolations('GET', '/oauth/token', response(400, 'application/json', { error: 'invalid_request', error_description: 'a\nb' }), OPTIONS)[0],
    ).toMatch(/character set/);
    expect(responseViolations('GET', '/x', response(200, 'application/json', '{'), OPTIONS)[0]).toMatch(/not JSON/);
  });

  it("recognises Fastify's default answer to what Node's HTTP parser refused, and does not accept it", () => {
    const fastifyDefault = response(400, 'application/json', { error: 'Bad Request', message: 'Client Error', statusCode: 400 });
    expect(isParserRefusal(fastifyDefault)).toBe(true);
    expect(responseViolations('GET', '/admin/v1/x', fastifyDefault, OPTIONS)[0]).toMatch(/not an OAuth error/);
    expect(isParserRefusal(response(404, 'application/json', { error: 'Not Found', message: 'Route GET:/x not found', statusCode: 404 }))).toBe(false);
  });
});

describe('encodeComponent', () => {
  it('percent-encodes UTF-8, lone surrogates as U+FFFD, and keeps malformed escapes in raw mode', () => {
    expect(encodeComponent('a b/é')).toBe('a%20b%2Fé'.replace('é', '%C3%A9'));
    expect(encodeComponent('\uD800')).toBe('%EF%BF%BD');
    expect(encodeComponent('%E0%A4%A', true)).toBe('%E0%A4%A');
    expect(encodeComponent('é %zz', true)).toBe('%C3%A9%20%zz');
  });
});
