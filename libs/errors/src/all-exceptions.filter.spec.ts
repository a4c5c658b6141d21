import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger, type ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter.js';

/** A Fastify reply that keeps what was sent. */
function replyDouble() {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    status: (code: number) => ((sent.status = code), reply),
    headers: () => reply,
    send: (body: unknown) => ((sent.body = body), reply),
  };
  return { reply, sent };
}

function httpHost(request: object, reply: object): ArgumentsHost {
  return { getType: () => 'http', switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

describe('AllExceptionsFilter', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('logs a 500 with the method, the path without its query and the request id, and shows none of it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { reply, sent } = replyDouble();
    new AllExceptionsFilter().catch(new Error('the database said no'), httpHost({ method: 'POST', url: '/oauth/token?code=secret', id: 'req-500' }, reply));
    expect(sent.status).toBe(500);
    expect(JSON.stringify(sent.body)).not.toContain('the database said no');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0][0]).toBe('POST /oauth/token (request req-500): Error: the database said no');
  });
});
