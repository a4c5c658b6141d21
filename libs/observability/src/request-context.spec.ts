import { describe, expect, it } from '@jest/globals';
import { acceptOrGenerateRequestId, REQUEST_ID_HEADER, requestIdHeaders, runWithRequestContext } from './request-context.js';

describe('request ids', () => {
  it('accepts a well-formed incoming id and replaces anything else', () => {
    expect(acceptOrGenerateRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(129), 'line\nbreak', ['a', 'b']]) expect(acceptOrGenerateRequestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forwards the current request id to the other app, or a fresh one outside a request', () => {
    expect(runWithRequestContext({ requestId: 'req-1', ip: '127.0.0.1' }, () => requestIdHeaders())).toEqual({ [REQUEST_ID_HEADER]: 'req-1' });
    expect(requestIdHeaders()[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
